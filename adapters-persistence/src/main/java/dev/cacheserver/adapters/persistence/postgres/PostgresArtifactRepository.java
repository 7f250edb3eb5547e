package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.port.ArtifactRepository;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link ArtifactRepository} (build logs, NAR listings) on the {@code artifact} table. */
final class PostgresArtifactRepository implements ArtifactRepository {
    private static final String COLUMNS = "cache, kind, name, size, content_type, content_encoding, stored_at";
    private static final String SAVE = "INSERT INTO artifact (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
            + " ON CONFLICT (cache, kind, name) DO UPDATE SET size = excluded.size,"
            + " content_type = excluded.content_type, content_encoding = excluded.content_encoding,"
            + " stored_at = excluded.stored_at";
    private static final String FIND = "SELECT " + COLUMNS
            + " FROM artifact WHERE cache = $1 AND kind = $2 AND name = $3";
    // A log lives while some narinfo names its derivation; a listing while its narinfo does.
    private static final String ORPHANS = "SELECT " + COLUMNS + " FROM artifact a WHERE a.cache = $1"
            + " AND a.stored_at < $2"
            + " AND ((a.kind = 'BUILD_LOG' AND NOT EXISTS (SELECT 1 FROM narinfo n WHERE n.cache = a.cache"
            + " AND n.deriver = a.name))"
            + " OR (a.kind = 'NAR_LISTING' AND NOT EXISTS (SELECT 1 FROM narinfo n WHERE n.cache = a.cache"
            + " AND n.hash = a.name)))"
            + " LIMIT $3";
    private static final String DELETE = "DELETE FROM artifact WHERE cache = $1 AND kind = $2 AND name = $3";

    private final PostgresDatabase db;

    PostgresArtifactRepository(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> save(StoredArtifact a) {
        return stage(() -> "save " + a.kind() + " " + a.name(), db.pool().preparedQuery(SAVE)
                .execute(Tuple.of(a.cache().value(), a.kind().name(), a.name(), a.size(), a.contentType(),
                        a.contentEncoding().orElse(null), a.storedAt().toEpochMilli()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Optional<StoredArtifact>> find(CacheName cache, ArtifactKind kind, String name) {
        return stage(() -> "find " + kind + " " + name, db.pool().preparedQuery(FIND)
                .execute(Tuple.of(cache.value(), kind.name(), name))
                .map(rows -> rows.size() == 0 ? Optional.<StoredArtifact>empty()
                        : Optional.of(artifact(rows.iterator().next()))));
    }

    @Override
    public CompletionStage<List<StoredArtifact>> findOrphans(CacheName cache, Instant storedBefore, int limit) {
        return stage(() -> "find orphaned artifacts of " + cache, db.pool().preparedQuery(ORPHANS)
                .collecting(Collectors.mapping(PostgresArtifactRepository::artifact, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value(), storedBefore.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Void> delete(CacheName cache, ArtifactKind kind, String name) {
        return stage(() -> "delete " + kind + " " + name, db.pool().preparedQuery(DELETE)
                .execute(Tuple.of(cache.value(), kind.name(), name)).mapEmpty());
    }

    private static StoredArtifact artifact(Row row) {
        return new StoredArtifact(new CacheName(row.getString(0)), ArtifactKind.valueOf(row.getString(1)),
                row.getString(2), row.getLong(3), row.getString(4), Optional.ofNullable(row.getString(5)),
                Instant.ofEpochMilli(row.getLong(6)));
    }
}
