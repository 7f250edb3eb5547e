package dev.cacheserver.bootstrap.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A websocket the way cachix's {@code Websocket.hs} keeps one: reconnect one second after any failure or close
 * except a close with 1000, which ends it; frames sent while disconnected wait for the next connection.
 */
final class ReconnectingSocket {
    static final long RECONNECT_DELAY_MS = 1000;
    private final Vertx vertx;
    private final WebSocketClient client;
    private final Supplier<WebSocketConnectOptions> options;
    private final Consumer<String> onFrame;
    private final Deque<String> outbox = new ArrayDeque<>();
    final List<Short> closeCodes = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> rejections = Collections.synchronizedList(new ArrayList<>());
    private volatile int connections;
    private WebSocket current;
    private boolean ended;

    ReconnectingSocket(Vertx vertx, WebSocketClient client, Supplier<WebSocketConnectOptions> options,
                       Consumer<String> onFrame) {
        this.vertx = vertx;
        this.client = client;
        this.options = options;
        this.onFrame = onFrame;
    }

    void start() {
        client.connect(options.get()).onSuccess(this::opened).onFailure(e -> {
            if (e instanceof UpgradeRejectedException rejected) {
                rejections.add(rejected.getStatus());
            }
            retry();
        });
    }

    private void opened(WebSocket ws) {
        synchronized (this) {
            if (ended) {
                ws.close();
                return;
            }
            current = ws;
            connections++;
        }
        ws.textMessageHandler(onFrame::accept);
        ws.closeHandler(v -> {
            Short code = ws.closeStatusCode();
            closeCodes.add(code);
            synchronized (this) {
                current = null;
                if (code != null && code == 1000) {
                    ended = true;
                }
            }
            retry();
        });
        flush();
    }

    private void retry() {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        vertx.setTimer(RECONNECT_DELAY_MS, id -> start());
    }

    void send(String frame) {
        synchronized (this) {
            outbox.add(frame);
        }
        flush();
    }

    /**
     * Writes what waits, in order. Both the sending thread and the event loop (when a connection opens) flush: the
     * writes happen under the lock, or two flushes could each take a frame and write them swapped (a
     * DeploymentFinished before its DeploymentStarted, a final log line before the lines it ends).
     */
    private void flush() {
        synchronized (this) {
            while (current != null && !outbox.isEmpty()) {
                current.writeTextMessage(outbox.poll());
            }
        }
    }

    synchronized boolean isConnected() {
        return current != null;
    }

    synchronized boolean isFlushed() {
        return outbox.isEmpty();
    }

    int connections() {
        return connections;
    }

    /** True once the server closed with 1000 (the agent would exit). */
    synchronized boolean hasEnded() {
        return ended;
    }

    /** Client-side shutdown: a Close with 1000, and no reconnect. */
    void close() {
        WebSocket ws;
        synchronized (this) {
            ended = true;
            ws = current;
        }
        if (ws != null) {
            ws.close((short) 1000, "Closing.");
        }
    }
}
