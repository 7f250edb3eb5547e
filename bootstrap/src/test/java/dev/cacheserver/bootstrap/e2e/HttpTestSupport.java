package dev.cacheserver.bootstrap.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** HTTP calls as Nix makes them (Basic auth with the token as password) and random store paths and bytes. */
class HttpTestSupport {
    final HttpClient http = HttpClient.newHttpClient();
    final Random random;

    HttpTestSupport(long seed) {
        this.random = new Random(seed);
    }

    HttpResponse<String> send(String method, String url, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((":" + token).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String storeHash() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append("0123456789abcdfghijklmnpqrsvwxyz".charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
