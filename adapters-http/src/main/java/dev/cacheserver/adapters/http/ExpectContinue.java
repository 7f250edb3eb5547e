package dev.cacheserver.adapters.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** {@code Expect: 100-continue} (Nix's curl sends it with large bodies): answered only when the body is wanted. */
final class ExpectContinue {
    private ExpectContinue() {
    }

    /** Tells the client to send its body, if it asked first. */
    static void answer(HttpServerRequest request) {
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            request.response().writeContinue();
        }
    }
}
