package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code gc [--cache NAME] [--dry-run]}: asks the running server (its {@code server-port}) to sweep now, with a
 * short-lived admin token made from the server key, and prints what went (or would go). The sweep runs inside
 * the server so that its in-memory index and the storage stay consistent.
 */
final class GcCommand {
    private GcCommand() {
    }

    static int run(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        String cache = null;
        boolean dryRun = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--help", "-h" -> {
                    out.println("usage: cache-server [--config FILE] gc [--cache NAME] [--dry-run]");
                    out.println("Sweeps now: deletes paths not read or pushed within their cache's retention window");
                    out.println("(unless a kept or pinned path references them), then, while a cache is over its max-size,");
                    out.println("the least recently accessed paths (closure-safe), and orphan NARs older than an hour.");
                    out.println("--dry-run prints what would go. The server must be running.");
                    return 0;
                }
                case "--dry-run" -> dryRun = true;
                case "--cache" -> {
                    if (i + 1 >= args.size()) {
                        return Main.usage(err, "gc: --cache needs a value");
                    }
                    cache = args.get(++i);
                }
                default -> {
                    return Main.usage(err, "gc: unknown option " + args.get(i));
                }
            }
        }
        AppConfig config = Main.load(configFile);
        String host = config.server().hostname();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        StringBuilder query = new StringBuilder("dry-run=").append(dryRun);
        if (cache != null) {
            query.append("&cache=").append(URLEncoder.encode(cache, StandardCharsets.UTF_8));
        }
        URI uri = URI.create("http://" + host + ":" + config.server().serverPort() + "/api/v1/admin/gc?" + query);
        String token = new Hs256Tokens(new KeyRing(config).tokenKey())
                .issue(new TokenClaims("*", Permission.ADMIN, Instant.now().plusSeconds(300), null));
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("cache-server: no server answers at " + uri.getHost() + ":" + uri.getPort()
                    + " (server.server-port); gc runs inside the server: start it first");
            return 1;
        } catch (IOException e) {
            err.println("cache-server: gc request failed: " + e.getMessage());
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("cache-server: gc failed with HTTP " + response.statusCode() + ": " + response.body());
            return response.statusCode() == 404 ? 2 : 1;
        }
        out.println(response.body());
        return 0;
    }
}
