package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@link UploadRepository} on the {@code upload_session} and {@code upload_part} tables, shared by the replicas:
 * a session created on one may take parts through another. Part rows cascade with their session.
 */
final class PostgresUploadRepository implements UploadRepository {
    /** The SQLSTATE of a foreign-key violation: the session was deleted while its part was saved. */
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String SESSION_COLUMNS = "nar_id, upload_id, cache, compression, created_at, expires_at";
    private static final String INSERT =
            "INSERT INTO upload_session (" + SESSION_COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6)";
    private static final String FIND = "SELECT " + SESSION_COLUMNS + " FROM upload_session WHERE nar_id = $1";
    private static final String SAVE_PART = """
            INSERT INTO upload_part (nar_id, part_number, md5, size)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM upload_session WHERE nar_id = $1)
            ON CONFLICT (nar_id, part_number) DO UPDATE SET md5 = excluded.md5, size = excluded.size""";
    private static final String PARTS =
            "SELECT part_number, md5, size FROM upload_part WHERE nar_id = $1 ORDER BY part_number";
    private static final String DELETE = "DELETE FROM upload_session WHERE nar_id = $1";
    private static final String EXPIRED = "SELECT " + SESSION_COLUMNS
            + " FROM upload_session WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2";
    private static final String COUNT = "SELECT COUNT(*) FROM upload_session";

    private final PostgresDatabase db;

    PostgresUploadRepository(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> create(UploadSession s) {
        return stage(() -> "create upload " + s.narId(), db.pool().preparedQuery(INSERT)
                .execute(Tuple.of(s.narId().toString(), s.uploadId(), s.cache().value(), s.compression().narInfoName(),
                        s.createdAt().toEpochMilli(), s.expiresAt().toEpochMilli()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Optional<UploadSession>> find(UUID narId) {
        return stage(() -> "find upload " + narId, db.pool().preparedQuery(FIND)
                .collecting(Collectors.mapping(PostgresUploadRepository::session, Collectors.reducing((a, b) -> a)))
                .execute(Tuple.of(narId.toString()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> savePart(UUID narId, UploadedPart part) {
        return stage(() -> "save part " + part.partNumber() + " of upload " + narId, db.pool().preparedQuery(SAVE_PART)
                .execute(Tuple.of(narId.toString(), part.partNumber(), part.md5Hex(), part.size()))
                .map(result -> result.rowCount() > 0)
                .recover(e -> e instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
                        ? Future.succeededFuture(false) : Future.failedFuture(e)));
    }

    @Override
    public CompletionStage<List<UploadedPart>> parts(UUID narId) {
        return stage(() -> "list parts of upload " + narId, db.pool().preparedQuery(PARTS)
                .collecting(Collectors.mapping(row -> new UploadedPart(row.getInteger(0), row.getString(1),
                        row.getLong(2)), Collectors.toUnmodifiableList()))
                .execute(Tuple.of(narId.toString()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> delete(UUID narId) {
        return stage(() -> "delete upload " + narId, db.pool().preparedQuery(DELETE)
                .execute(Tuple.of(narId.toString())).map(result -> result.rowCount() > 0));
    }

    @Override
    public CompletionStage<List<UploadSession>> findExpired(Instant now, int limit) {
        return stage(() -> "find expired uploads", db.pool().preparedQuery(EXPIRED)
                .collecting(Collectors.mapping(PostgresUploadRepository::session, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(now.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Integer> count() {
        return stage(() -> "count uploads", db.pool().query(COUNT).execute()
                .map(rows -> rows.iterator().next().getLong(0).intValue()));
    }

    private static UploadSession session(Row row) {
        return new UploadSession(UUID.fromString(row.getString(0)), row.getString(1), new CacheName(row.getString(2)),
                Compression.fromNarInfo(row.getString(3)), Instant.ofEpochMilli(row.getLong(4)),
                Instant.ofEpochMilli(row.getLong(5)));
    }
}
