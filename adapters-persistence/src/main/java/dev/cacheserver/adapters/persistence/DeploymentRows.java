package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.model.StorePath;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A deployment as a row of the {@code deployment} table, the same on SQLite and PostgreSQL: the columns
 * {@code id, agent, idx, store_path, rollback_scripts (JSON), status, created_on, started_on, finished_on,
 * closure_size}, times as ISO-8601 text. Both adapters read and write rows through here, so they cannot drift.
 */
public final class DeploymentRows {
    private DeploymentRows() {
    }

    /** The values of a new row, in column order. */
    public static Tuple insertValues(Deployment d) {
        return Tuple.from(new Object[] {d.id().toString(), d.agent(), d.index(), d.storePath().fullPath(),
                new JsonObject(new HashMap<>(d.rollbackScripts())).encode(), d.status().wireName(),
                d.createdOn().toString(), null, null, d.closureSize()});
    }

    /** The values of an update: status, started, finished, closure size, then the id it is for. */
    public static Tuple updateValues(Deployment d) {
        return Tuple.from(new Object[] {d.status().wireName(), text(d.startedOn()), text(d.finishedOn()),
                d.closureSize(), d.id().toString()});
    }

    /** The deployment of a row selected with the columns in table order. */
    public static Deployment deployment(Row row) {
        Map<String, String> scripts = new HashMap<>();
        new JsonObject(row.getString(4)).forEach(e -> scripts.put(e.getKey(), String.valueOf(e.getValue())));
        return new Deployment(UUID.fromString(row.getString(0)), row.getString(1), row.getLong(2),
                StorePath.parse(row.getString(3)), scripts, DeploymentStatus.fromWireName(row.getString(5)),
                Instant.parse(row.getString(6)), instant(row.getString(7)), instant(row.getString(8)), row.getLong(9));
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
