package dev.cacheserver.adapters.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import java.net.URI;

/**
 * Opens GETs of NARs held by other servers (cluster peers, upstream caches), for the relays that stream them on
 * to a client. The outbound HTTP client module implements it; bootstrap hands it over.
 */
@FunctionalInterface
public interface NarDownloads {
    /** The answer to a GET of {@code url}, paused: the caller pipes it (which resumes it) or ends it. */
    Future<HttpClientResponse> open(URI url);
}
