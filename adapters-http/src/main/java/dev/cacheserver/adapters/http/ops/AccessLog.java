package dev.cacheserver.adapters.http.ops;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code key=value} line per request on the logger {@value #LOGGER}: method, path (never the query, which
 * carries upload capabilities), status, bytes sent and received, duration, cache and remote address. Headers
 * are never logged, so neither are tokens. Whether lines are written is decided once, when the server starts
 * ({@code server.request-log} and the logger's level then): an unused log costs nothing per request.
 */
public final class AccessLog {
    public static final String LOGGER = "cache-server.access";
    public static final AccessLog OFF = new AccessLog(Level.OFF);
    private static final int MAX_PATH = 512;

    /** {@code server.request-log}. */
    public enum Level { OFF, DEBUG, INFO }

    private final Logger log = LoggerFactory.getLogger(LOGGER);
    private final boolean info;
    private final boolean enabled;

    private AccessLog(Level level) {
        this.info = level == Level.INFO;
        this.enabled = level == Level.INFO ? log.isInfoEnabled() : level == Level.DEBUG && log.isDebugEnabled();
    }

    /** The access log at {@code level}; disabled when the logging configuration drops that level. */
    public static AccessLog at(Level level) {
        return level == Level.OFF ? OFF : new AccessLog(level);
    }

    public boolean enabled() {
        return enabled;
    }

    void write(HttpMethod method, String path, String status, long bytesSent, long bytesReceived, long nanos,
               String cache, SocketAddress remote) {
        StringBuilder line = new StringBuilder(160)
                .append("method=").append(method.name())
                .append(" path=");
        appendSafe(line, path);
        line.append(" status=").append(status)
                .append(" bytes=").append(bytesSent)
                .append(" received=").append(bytesReceived)
                .append(" duration_ms=");
        long micros = nanos / 1_000;
        line.append(micros / 1_000).append('.');
        long fraction = micros % 1_000;
        if (fraction < 100) {
            line.append(fraction < 10 ? "00" : "0");
        }
        line.append(fraction)
                .append(" cache=").append(cache)
                .append(" remote=").append(remote == null ? "-" : remote.hostAddress() + ":" + remote.port());
        if (info) {
            log.info("{}", line);
        } else {
            log.debug("{}", line);
        }
    }

    /** Paths come from clients: no spaces, quotes or control characters reach the log, and at most 512 chars. */
    private static void appendSafe(StringBuilder line, String path) {
        int n = Math.min(path.length(), MAX_PATH);
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            line.append(c <= ' ' || c == '"' || c == '\\' || c >= 0x7f ? '?' : c);
        }
        if (path.length() > MAX_PATH) {
            line.append("...");
        }
    }
}
