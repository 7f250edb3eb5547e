package dev.cacheserver.adapters.http;

import java.time.Duration;

/**
 * What one client connection may cost a port (the {@code server:} keys of the same names). A request head must be
 * complete within {@code headerTimeout} (else 408 and close); while the server reads a body, every
 * {@code bodyTimeout} must bring at least {@code bodyMinRate} bytes per second of it (else the connection is
 * closed); a port holds at most {@code maxConnections} connections (more get 503 and are closed).
 */
public record ConnectionLimits(Duration headerTimeout, Duration bodyTimeout, long bodyMinRate, int maxConnections) {
    /** nginx's client_header_timeout is 60 s; a real client sends its head within one round trip. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    /** 1 KiB/s: a hundred times below a bad mobile link, far above a one-byte-a-second trickle. */
    public static final long DEFAULT_BODY_MIN_RATE = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
            DEFAULT_BODY_MIN_RATE, DEFAULT_MAX_CONNECTIONS);

    public ConnectionLimits {
        if (headerTimeout.isNegative() || headerTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()
                || bodyMinRate < 0 || maxConnections < 1) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
    }

    /** The fewest body bytes one {@link #bodyTimeout} window must bring. */
    public long bodyBytesPerWindow() {
        return Math.max(1, bodyMinRate * bodyTimeout.toSeconds());
    }
}
