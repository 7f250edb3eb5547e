package dev.cacheserver.adapters.http.ops;

/** {@code server.metrics-access}: who may read {@code /metrics} on server-port. */
public enum MetricsAccess {
    /** Only a server-wide admin token (the default): metrics reveal cache names and traffic. */
    ADMIN,
    /** Anyone who can reach server-port, e.g. a Prometheus on a private network. */
    PUBLIC,
    /** No {@code /metrics} route, and no request metrics are recorded. */
    OFF
}
