package dev.cacheserver.adapters.persistence.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the shared PostgreSQL database is (reached over TCP) and how many pooled connections this process may
 * hold to it.
 */
public record PostgresConnection(String host, int port, String database, String user, Optional<String> password,
                                 int poolSize) {
    public PostgresConnection {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1");
        }
    }

    /** For logs and errors: never the password. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
