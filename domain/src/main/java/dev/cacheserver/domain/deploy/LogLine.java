package dev.cacheserver.domain.deploy;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a deployment's output, as the agent streams it ({@code {"line": ..., "time": ...}}). The agent's
 * last line starts with {@link #SUCCESS_PREFIX} or {@link #FAILURE_PREFIX}; the activate client stops reading
 * there.
 */
public record LogLine(String line, Instant time) {
    public static final String SUCCESS_PREFIX = "Successfully activated the deployment";
    public static final String FAILURE_PREFIX = "Failed to activate the deployment";

    public LogLine {
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(time, "time");
    }

    /** True for the line after which the activate client's log viewer stops reading. */
    public boolean isFinal() {
        return line.startsWith(SUCCESS_PREFIX) || line.startsWith(FAILURE_PREFIX);
    }
}
