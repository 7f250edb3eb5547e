package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.CheckCachixCredentials;
import dev.cacheserver.application.port.in.CompleteMultipartUpload;
import dev.cacheserver.application.port.in.DescribeCachixCache;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.ManagePins;
import dev.cacheserver.application.port.in.QueryOriginalDht;
import dev.cacheserver.application.port.in.ReadCachixPaths;
import dev.cacheserver.application.port.in.RegisterSigningKey;
import dev.cacheserver.application.port.in.StartMultipartUpload;
import java.util.Objects;

/** Everything the Cachix API server needs: its use cases and where to listen. */
public record CachixApi(CheckCachixCredentials credentials, DescribeCachixCache caches, FindMissingPaths missing,
                        ReadCachixPaths paths, RegisterSigningKey keys, ManagePins pins, QueryOriginalDht dht,
                        StartMultipartUpload uploads, CompleteMultipartUpload completions,
                        String host, int port) {
    public CachixApi {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(caches, "caches");
        Objects.requireNonNull(missing, "missing");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(pins, "pins");
        Objects.requireNonNull(dht, "dht");
        Objects.requireNonNull(uploads, "uploads");
        Objects.requireNonNull(completions, "completions");
    }
}
