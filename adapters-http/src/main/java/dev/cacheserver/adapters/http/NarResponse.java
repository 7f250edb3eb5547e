package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.port.NarLocation;
import io.netty.channel.Channel;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a NAR read from where the NAR is: a 302 to a redirect (presigned S3), else the bytes (or one
 * {@code Range} of them: 206, or 416 when it cannot be satisfied) of a local file by {@code sendFile} or of a
 * stream, never held in memory. HEAD gets the headers only. Runs on the event loop.
 */
final class NarResponse {
    private static final Logger LOG = LoggerFactory.getLogger(NarResponse.class);
    static final CharSequence NAR_TYPE = HttpHeaders.createOptimized("application/x-nix-nar");
    private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");

    private final CacheResponses responses;

    NarResponse(CacheResponses responses) {
        this.responses = responses;
    }

    void send(HttpServerRequest request, NarLocation location) {
        HttpServerResponse response = request.response();
        if (location instanceof NarLocation.Redirect redirect) {
            response.setStatusCode(302).putHeader(HttpHeaders.LOCATION, redirect.uri().toString()).end();
            return;
        }
        long size = location.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(request.getHeader("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            response.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
            return;
        }
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, NAR_TYPE);
        headers.set(HttpHeaders.ACCEPT_RANGES, BYTES);
        long offset = 0;
        long length = size;
        if (range.isPresent()) {
            offset = range.get().start();
            length = range.get().length();
            response.setStatusCode(206);
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + offset + "-" + range.get().endInclusive() + "/" + size);
        }
        if (request.method() == HttpMethod.HEAD) {
            headers.set(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
            response.end();
            return;
        }
        if (location instanceof NarLocation.Streamed streamed) {
            StreamedNarResponse.send(responses.context(), response, streamed, offset, length,
                    e -> responses.fail(request, e));
            return;
        }
        sendFile(request, (NarLocation.LocalFile) location, offset, length);
    }

    private static void sendFile(HttpServerRequest request, NarLocation.LocalFile local, long offset, long length) {
        Channel corked = TcpCork.cork(request);
        request.response().sendFile(local.path().toString(), offset, length).onComplete(sent -> {
            TcpCork.uncork(corked);
            if (sent.failed()) {
                // Headers are gone already; the client sees a short body and retries with Range.
                LOG.debug("sending {} failed: {}", local.path(), sent.cause().toString());
                request.connection().close();
            }
        });
    }
}
