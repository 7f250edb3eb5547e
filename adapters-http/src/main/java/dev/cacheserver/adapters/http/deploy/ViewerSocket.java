package dev.cacheserver.adapters.http.deploy;

import dev.cacheserver.application.port.in.LogViewer;
import dev.cacheserver.domain.deploy.LogLine;
import io.vertx.core.http.ServerWebSocket;

/** The activate client's {@code /api/v1/deploy/log/{id}?view=true} socket. */
final class ViewerSocket implements LogViewer {
    /** A normal close: the log is complete. */
    static final short DONE = 1000;
    private final ServerWebSocket socket;

    ViewerSocket(ServerWebSocket socket) {
        this.socket = socket;
    }

    @Override
    public void send(LogLine line) {
        if (!socket.isClosed()) {
            socket.writeTextMessage(DeployJson.logLine(line));
        }
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close(DONE, "deployment log complete");
        }
    }
}
