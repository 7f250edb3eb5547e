package dev.cacheserver.bootstrap.config;

import java.util.Optional;

/**
 * {@code server.database} as a {@code postgresql://user[:password]@host[:port]/database} URL: the PostgreSQL
 * database the replicas share, the password from the URL or {@code server.database-password-file}, and
 * {@code server.database-pool-size} connections per process. The server is reached over TCP.
 */
public record SharedDatabase(String host, int port, String database, String user, Optional<String> password,
                             int poolSize) {
    /** For logs and config diffs: never the password. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + " (pool " + poolSize + ")";
    }
}
