package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.domain.signing.NarSignature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/** {@link RealisationRepository} on the {@code realisation} table; the document is Nix's JSON. */
final class PostgresRealisationRepository implements RealisationRepository {
    private static final String SAVE = "INSERT INTO realisation (cache, id, out_hash, document, stored_at)"
            + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cache, id) DO UPDATE SET out_hash = excluded.out_hash,"
            + " document = excluded.document, stored_at = excluded.stored_at";
    private static final String FIND = "SELECT document FROM realisation WHERE cache = $1 AND id = $2";
    private static final String DELETE_ORPHANS = "DELETE FROM realisation WHERE cache = $1 AND id IN (SELECT r.id"
            + " FROM realisation r WHERE r.cache = $1 AND r.stored_at < $2 AND NOT EXISTS (SELECT 1 FROM narinfo n"
            + " WHERE n.cache = r.cache AND n.hash = r.out_hash) LIMIT $3)";

    private final PostgresDatabase db;

    PostgresRealisationRepository(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> save(CacheName cache, Realisation r, Instant storedAt) {
        return stage(() -> "save realisation " + r.id(), db.pool().preparedQuery(SAVE)
                .execute(Tuple.of(cache.value(), r.id().toString(), r.outPath().hash().value(), r.toJson(),
                        storedAt.toEpochMilli()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Optional<Realisation>> find(CacheName cache, DrvOutputId id) {
        return stage(() -> "find realisation " + id, db.pool().preparedQuery(FIND)
                .execute(Tuple.of(cache.value(), id.toString()))
                .map(rows -> rows.size() == 0 ? Optional.<Realisation>empty()
                        : Optional.of(parse(rows.iterator().next().getString(0)))));
    }

    @Override
    public CompletionStage<Integer> deleteOrphans(CacheName cache, Instant storedBefore, int limit) {
        return stage(() -> "delete orphaned realisations of " + cache, db.pool().preparedQuery(DELETE_ORPHANS)
                .execute(Tuple.of(cache.value(), storedBefore.toEpochMilli(), limit))
                .map(result -> result.rowCount()));
    }

    /** Rows hold documents this code wrote, so a parse failure means a damaged database. */
    private static Realisation parse(String document) {
        try {
            JsonObject json = new JsonObject(document);
            TreeMap<DrvOutputId, StorePath> deps = new TreeMap<>();
            json.getJsonObject("dependentRealisations", new JsonObject()).forEach(e ->
                    deps.put(DrvOutputId.parse(e.getKey()), StorePath.parse(String.valueOf(e.getValue()))));
            List<NarSignature> sigs = new ArrayList<>();
            json.getJsonArray("signatures", new JsonArray()).forEach(s -> sigs.add(NarSignature.parse(String.valueOf(s))));
            return new Realisation(DrvOutputId.parse(json.getString("id")), StorePath.parse(json.getString("outPath")),
                    deps, sigs);
        } catch (RuntimeException e) {
            throw new StorageException("a stored realisation cannot be read: " + e.getMessage(), e);
        }
    }
}
