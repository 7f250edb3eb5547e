package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.model.CacheName;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One cache port served by the real {@link BinaryCacheVerticle} over in-memory use cases, on a port the system
 * chooses, and a client for it. Blocks the test thread (never an event loop) for at most {@link #TIMEOUT_SECONDS}.
 */
final class CachePort {
    static final long TIMEOUT_SECONDS = 10;

    final FakeAccess access = new FakeAccess();
    final FakeNixCache cache = new FakeNixCache(access);
    final FakeNarUploads uploads;
    final FakeProtocolFiles files;
    private final Vertx vertx;
    private final HttpClient client;
    private int port;

    CachePort(Vertx vertx, Path dir) {
        this.vertx = vertx;
        this.uploads = new FakeNarUploads(dir, cache, access);
        this.files = new FakeProtocolFiles(dir, access);
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    }

    /** Starts serving {@code endpoint} (built on this port's fakes, e.g. by {@link #endpoint(long)}). */
    CachePort start(BinaryCacheEndpoint endpoint) throws Exception {
        BinaryCacheVerticle verticle = new BinaryCacheVerticle(endpoint);
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        port = verticle.actualPort();
        return this;
    }

    /** The endpoint of cache {@code main} over the fakes, with build logs, listings and realisations. */
    BinaryCacheEndpoint endpoint(long maxNarBytes) {
        uploads.maxNarBytes = maxNarBytes;
        return new BinaryCacheEndpoint(new CacheName("main"), cache.protocol(), uploads, "127.0.0.1", 0, maxNarBytes)
                .withProtocolFiles(files.files(64, 1024)).withClusterStatus(cache);
    }

    Reply send(HttpMethod method, String path, Map<String, String> headers, Buffer body) throws Exception {
        RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method)
                .setURI(path);
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), response.headers(), b)))
                .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    Reply get(String path) throws Exception {
        return send(HttpMethod.GET, path, Map.of(), null);
    }

    Reply get(String path, String token) throws Exception {
        return send(HttpMethod.GET, path, Map.of("Authorization", "Bearer " + token), null);
    }

    Reply put(String path, String token, String body) throws Exception {
        return send(HttpMethod.PUT, path, Map.of("Authorization", "Bearer " + token), Buffer.buffer(body));
    }

    /**
     * Sends {@code head} (a request's lines, without the blank line) with {@code Expect: 100-continue} and reads what
     * the server answers before any body is sent: the interim 100, or a final answer.
     */
    String expectContinue(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String text = head.toString(StandardCharsets.US_ASCII);
                if (text.endsWith("\r\n\r\n")) {
                    return text;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + TIMEOUT_SECONDS + " s; got: " + head, e);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A response: status, headers, and the whole body. */
    record Reply(int status, MultiMap headers, Buffer body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
