package dev.cacheserver.application.port.out;

import dev.cacheserver.application.port.in.PartGrant;
import java.net.URI;

/**
 * Where the upload URL of a part points: the HTTP adapter that receives part PUTs owns the route, so it both builds
 * these URLs and parses them. {@code cacheUrl} is the cache's public URL; {@code signature} is the grant's HMAC.
 */
public interface PartUrlLayout {
    URI partUrl(URI cacheUrl, PartGrant grant, String signature);
}
