package dev.cacheserver.adapters.http;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.cachix.CachixCatalog;
import dev.cacheserver.application.cachix.MultipartUploads;
import dev.cacheserver.application.cachix.PinService;
import dev.cacheserver.application.cachix.SigningKeyRegistry;
import dev.cacheserver.domain.port.PeerDirectory;

/**
 * Everything the Cachix API server needs: the use cases, the access policy (for the DHT routes), the peer
 * directory (null: standalone, the DHT routes answer nothing found) and where to listen.
 */
public record CachixApi(CachixCatalog catalog, MultipartUploads uploads, SigningKeyRegistry keys, PinService pins,
                        AccessPolicy access, PeerDirectory peers, String host, int port) {
}
