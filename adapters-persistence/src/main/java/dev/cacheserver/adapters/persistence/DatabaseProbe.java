package dev.cacheserver.adapters.persistence;

import io.vertx.core.Future;

/** Whether the database answers: one trivial query on a reader connection, for the readiness check. */
public final class DatabaseProbe {
    private DatabaseProbe() {
    }

    /** Succeeds when {@code SELECT 1} runs; fails with the driver's error otherwise. */
    public static Future<Void> check(MetadataDatabase database) {
        return database.check();
    }
}
