package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.out.PartUrlLayout;
import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.domain.error.NotFoundException;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The upload URLs of Cachix parts on a cache's own port,
 * {@code <cache url>/_cachix/upload/<narId>/<partNumber>?md5=&expires=&sig=}: built for the Cachix API and parsed by
 * the route that receives the parts ({@link UploadPartRequestHandler}), so their spelling lives in one place.
 */
public final class PartUploadUrls implements PartUrlLayout {
    /** The path prefix of upload URLs. */
    public static final String PATH_PREFIX = "/_cachix/upload/";

    @Override
    public URI partUrl(URI cacheUrl, PartGrant grant, String signature) {
        String base = cacheUrl.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + PATH_PREFIX + grant.narId() + "/" + grant.partNumber()
                + "?md5=" + URLEncoder.encode(grant.contentMd5(), StandardCharsets.UTF_8)
                + "&expires=" + grant.expiresEpochSecond() + "&sig=" + signature);
    }

    /** The grant a part PUT's URL claims (its signature is checked by the use case); NotFoundException if none. */
    static PartGrant grant(HttpServerRequest request) {
        String[] segments = request.path().substring(PATH_PREFIX.length()).split("/", -1);
        try {
            if (segments.length != 2) {
                throw new IllegalArgumentException();
            }
            return new PartGrant(UUID.fromString(segments[0]), Integer.parseInt(segments[1]),
                    require(request, "md5"), Long.parseLong(require(request, "expires")));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("not an upload URL");
        }
    }

    /** The signature the URL carries (null when missing: then it does not verify). */
    static String signature(HttpServerRequest request) {
        return request.getParam("sig");
    }

    private static String require(HttpServerRequest request, String name) {
        String value = request.getParam(name);
        if (value == null) {
            throw new IllegalArgumentException(name);
        }
        return value;
    }
}
