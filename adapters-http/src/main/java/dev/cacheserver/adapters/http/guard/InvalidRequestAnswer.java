package dev.cacheserver.adapters.http.guard;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request the decoder or {@link FramingRules} refused: 414, 431, 505, 501 or 400 with a short text
 * body naming the problem (Vert.x's default sends no body). Vert.x closes the connection after it.
 */
final class InvalidRequestAnswer implements Handler<HttpServerRequest> {
    @Override
    public void handle(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String message;
        if (cause instanceof FramingViolation violation) {
            status = violation.status();
            message = violation.getMessage();
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            message = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            status = 431;
            message = "request headers too large";
        } else if (cause != null && cause.getMessage() != null && cause.getMessage().contains("version")) {
            status = 505;
            message = "HTTP version not supported (HTTP/1.1 only)";
        } else {
            status = 400;
            message = "malformed request";
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(message + "\n");
    }
}
