package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link PinRepository} on the {@code pin} table; artifacts are a JSON array of strings. */
final class PostgresPinRepository implements PinRepository {
    private static final String ADD = """
            INSERT INTO pin (cache, name, store_path, artifacts, keep_kind, keep_amount, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";
    private static final String PINS = """
            SELECT cache, name, store_path, artifacts, keep_kind, keep_amount, created_at FROM pin
            WHERE cache = $1 ORDER BY id""";

    private final PostgresDatabase db;

    PostgresPinRepository(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> add(Pin pin) {
        return stage(() -> "add pin " + pin.name() + " to " + pin.cache(), db.pool().preparedQuery(ADD)
                .execute(Tuple.of(pin.cache().value(), pin.name(), pin.storePath().fullPath(),
                        new JsonArray(new ArrayList<>(pin.artifacts())).encode(), pin.keep().kind().name(),
                        pin.keep().amount(), pin.createdAt().toEpochMilli()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<List<Pin>> pins(CacheName cache) {
        return stage(() -> "list pins of " + cache, db.pool().preparedQuery(PINS)
                .collecting(Collectors.mapping(PostgresPinRepository::pin, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(cache.value()))
                .map(SqlResult::value));
    }

    private static Pin pin(Row row) {
        List<String> artifacts = new ArrayList<>();
        new JsonArray(row.getString(3)).forEach(a -> artifacts.add(String.valueOf(a)));
        return new Pin(new CacheName(row.getString(0)), row.getString(1), StorePath.parse(row.getString(2)), artifacts,
                new Pin.Keep(Pin.Keep.Kind.valueOf(row.getString(4)), row.getLong(5)),
                Instant.ofEpochMilli(row.getLong(6)));
    }
}
