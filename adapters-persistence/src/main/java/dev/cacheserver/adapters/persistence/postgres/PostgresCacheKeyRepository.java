package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.signing.PublicSigningKey;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link CacheKeyRepository} on the {@code cache_key} table, in registration order; keys in Nix format. */
final class PostgresCacheKeyRepository implements CacheKeyRepository {
    private static final String REGISTER = "INSERT INTO cache_key (cache, public_key, registered_at)"
            + " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
    private static final String KEYS = "SELECT public_key FROM cache_key WHERE cache = $1 ORDER BY seq";

    private final PostgresDatabase db;
    private final Clock clock;

    PostgresCacheKeyRepository(PostgresDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> register(CacheName cache, PublicSigningKey key) {
        return stage(() -> "register key for " + cache, db.pool().preparedQuery(REGISTER)
                .execute(Tuple.of(cache.value(), key.toString(), clock.millis())).mapEmpty());
    }

    @Override
    public CompletionStage<List<PublicSigningKey>> keys(CacheName cache) {
        return stage(() -> "list keys of " + cache, db.pool().preparedQuery(KEYS)
                .collecting(Collectors.mapping(row -> PublicSigningKey.parse(row.getString(0)),
                        Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value()))
                .map(SqlResult::value));
    }
}
