package dev.cacheserver.application.deploy;

import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.domain.deploy.LogLine;
import java.util.ArrayList;
import java.util.List;

/**
 * One viewer of one deployment's log: first the replay of the stored lines, then live lines (held back until the
 * replay is out, so the order is kept). Closes the viewer after the agent's final line, or when the deployment
 * ends, whichever comes first.
 */
final class ViewerSession {
    private final LogViewer viewer;
    private List<LogLine> held = new ArrayList<>();
    private boolean endRequested;
    private boolean closed;
    /** Lines sent so far: a later catch-up from the stored log skips them. */
    private int sent;

    ViewerSession(LogViewer viewer) {
        this.viewer = viewer;
    }

    LogViewer viewer() {
        return viewer;
    }

    synchronized void deliver(LogLine line) {
        if (closed) {
            return;
        }
        if (held != null) {
            held.add(line);
            return;
        }
        send(line);
    }

    synchronized void replay(List<LogLine> stored) {
        List<LogLine> live = held;
        held = null;
        sendUnseen(stored);
        for (LogLine line : live) {
            send(line);
        }
        if (endRequested) {
            close();
        }
    }

    /**
     * The deployment ended on another replica, whose lines never came here live: sends the stored lines after
     * those already sent, then closes.
     */
    synchronized void catchUpAndEnd(List<LogLine> stored) {
        if (held == null) {
            sendUnseen(stored);
        }
        end();
    }

    private void sendUnseen(List<LogLine> stored) {
        for (LogLine line : stored.subList(Math.min(sent, stored.size()), stored.size())) {
            send(line);
        }
    }

    /** The deployment is over: close now, or right after the replay. */
    synchronized void end() {
        if (held != null) {
            endRequested = true;
        } else {
            close();
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            viewer.close();
        }
    }

    private void send(LogLine line) {
        if (closed) {
            return;
        }
        viewer.send(line);
        sent++;
        if (line.isFinal()) {
            close();
        }
    }
}
