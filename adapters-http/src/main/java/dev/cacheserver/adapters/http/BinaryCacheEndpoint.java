package dev.cacheserver.adapters.http;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.GetNarInfoUseCase;
import dev.cacheserver.application.LocateNarUseCase;
import dev.cacheserver.application.PublishNarInfoUseCase;
import dev.cacheserver.application.UploadNarUseCase;

/**
 * Everything one cache's HTTP server needs: the cache, its use cases, the access policy, and where to listen.
 * {@code maxNarBytes} bounds one NAR upload.
 */
public record BinaryCacheEndpoint(CacheProfile cache, GetNarInfoUseCase narInfos, PublishNarInfoUseCase publisher,
                                  UploadNarUseCase uploads, LocateNarUseCase nars, AccessPolicy access,
                                  String host, int port, long maxNarBytes) {
}
