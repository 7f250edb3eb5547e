package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The running server's admin API on {@code server-port}, as the commands call it: every request carries a
 * five-minute admin token made from the server key, so a command works wherever the configuration (and the key) is.
 */
final class AdminApi {
    /** An answer: the HTTP status and the body. */
    record Answer(int status, String body) {
    }

    /** The server is not listening: the message says where the command looked. */
    static final class ServerDown extends IOException {
        ServerDown(String message) {
            super(message);
        }
    }

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminApi(AppConfig config) throws IOException {
        String host = config.server().hostname();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        this.base = "http://" + host + ":" + config.server().serverPort();
        this.token = new Hs256Tokens(new KeyRing(config).tokenKey())
                .issue(new TokenClaims("*", Permission.ADMIN, Instant.now().plusSeconds(300), null));
    }

    Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return send("GET", pathAndQuery);
    }

    Answer delete(String pathAndQuery) throws IOException, InterruptedException {
        return send("DELETE", pathAndQuery);
    }

    private Answer send(String method, String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create(base + pathAndQuery);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + token)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (java.net.ConnectException e) {
            throw new ServerDown("no server answers at " + uri.getHost() + ":" + uri.getPort()
                    + " (server.server-port); start the server first");
        }
    }
}
