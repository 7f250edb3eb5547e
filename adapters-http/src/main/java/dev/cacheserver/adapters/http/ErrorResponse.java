package dev.cacheserver.adapters.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Writes the answer to a failed request, the same way on every port: the status and client-safe message from
 * {@link HttpErrors}; {@code WWW-Authenticate} on 401; {@code Retry-After} on the answers a client should retry
 * (502, 503, 504, and 429), with the port's delay; {@code Connection: close} when the body was not read
 * ({@link UnreadBody}). When the head is already written, the connection is closed instead: the client sees a
 * short body and retries. What differs per port is only the delay, the challenge and the body format.
 */
public final class ErrorResponse {
    private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain; charset=utf-8");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=utf-8");

    private final String retryAfterSeconds;
    private final String challenge;
    private final CharSequence contentType;
    private final Function<String, Buffer> body;

    private ErrorResponse(long retryAfterSeconds, String challenge, CharSequence contentType,
                          Function<String, Buffer> body) {
        this.retryAfterSeconds = Long.toString(retryAfterSeconds);
        this.challenge = challenge;
        this.contentType = contentType;
        this.body = body;
    }

    /** Plain text bodies (the message and a newline), as Nix shows them. {@code challenge} null: none. */
    public static ErrorResponse text(long retryAfterSeconds, String challenge) {
        return new ErrorResponse(retryAfterSeconds, challenge, TEXT, message -> Buffer.buffer(message + "\n"));
    }

    /** {@code {"error": message}} bodies, as the Cachix client reads them. {@code challenge} null: none. */
    public static ErrorResponse json(long retryAfterSeconds, String challenge) {
        return new ErrorResponse(retryAfterSeconds, challenge, JSON,
                message -> new JsonObject().put("error", message).toBuffer());
    }

    /** Answers {@code request} for {@code failure}; returns the answer (also when only the connection closed). */
    public HttpErrors.Answer write(HttpServerRequest request, Throwable failure) {
        HttpErrors.Answer answer = HttpErrors.answer(failure);
        write(request, answer);
        return answer;
    }

    /** Answers {@code request} with {@code answer}. */
    public void write(HttpServerRequest request, HttpErrors.Answer answer) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        if (answer.status() == 401 && challenge != null) {
            response.putHeader("WWW-Authenticate", challenge);
        }
        if (answer.retryable() || answer.status() == 429) {
            response.putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        // The body was not read; closing is the only way to keep the next request on this connection sane.
        UnreadBody.closeAfterAnswer(request);
        Buffer content = body.apply(answer.message());
        response.setStatusCode(answer.status());
        response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(content.length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(content);
        }
    }
}
