package dev.cacheserver.adapters.http;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.cachix.CachixCaches;
import dev.cacheserver.application.cachix.MultipartUploads;
import dev.cacheserver.application.cachix.UploadCapabilities;
import dev.cacheserver.application.cachix.UploadSettings;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadPartStore;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The multipart upload use case over no cache at all, for route tests that only need it present. */
final class CachixUploadsForTests {
    private CachixUploadsForTests() {
    }

    static MultipartUploads create(Path spool) {
        Clock clock = Clock.systemUTC();
        return new MultipartUploads(new CachixCaches(List.of()), new AccessPolicy(new Hs256Tokens("k".getBytes()), clock),
                new InMemoryUploadRepository(), new InMemoryUploadPartStore(spool), new UploadCapabilities("k".getBytes()), new PartUploadUrls(),
                new InMemoryCacheKeyRepository(), UploadSettings.defaults(2), clock);
    }
}
