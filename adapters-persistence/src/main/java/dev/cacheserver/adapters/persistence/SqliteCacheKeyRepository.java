package dev.cacheserver.adapters.persistence;

import static dev.cacheserver.adapters.persistence.PersistenceStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link CacheKeyRepository} on the {@code cache_key} table; keys are stored in Nix format {@code name:base64}. */
public final class SqliteCacheKeyRepository implements CacheKeyRepository {
    private static final String REGISTER =
            "INSERT INTO cache_key (cache, public_key, registered_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String KEYS = "SELECT public_key FROM cache_key WHERE cache = ? ORDER BY rowid";

    private final SqliteDatabase db;
    private final Clock clock;

    public SqliteCacheKeyRepository(SqliteDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> register(CacheName cache, PublicSigningKey key) {
        return stage(() -> "register key for " + cache, db.writer().preparedQuery(REGISTER)
                .execute(Tuple.of(cache.value(), key.toString(), clock.millis()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<List<PublicSigningKey>> keys(CacheName cache) {
        return stage(() -> "list keys of " + cache, db.readers().preparedQuery(KEYS)
                .collecting(Collectors.mapping(row -> PublicSigningKey.parse(row.getString(0)),
                        Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value()))
                .map(SqlResult::value));
    }
}
