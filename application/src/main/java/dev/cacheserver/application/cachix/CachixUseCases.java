package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.CheckCachixCredentials;
import dev.cacheserver.application.port.in.DescribeCachixCache;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.ManagePins;
import dev.cacheserver.application.port.in.QueryOriginalDht;
import dev.cacheserver.application.port.in.ReadCachixPaths;
import dev.cacheserver.application.port.in.RegisterSigningKey;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.PinRepository;
import java.time.Clock;
import java.util.Optional;

/**
 * Builds the Cachix API's use cases (everything but the multipart uploads) over the caches and the repositories,
 * for bootstrap to hand to the HTTP adapter. Every use case decides access itself through the one
 * {@link AccessPolicy}.
 */
public final class CachixUseCases {
    private final CachixCatalog catalog;
    private final CheckCachixCredentials credentials;
    private final RegisterSigningKey keys;
    private final ManagePins pins;
    private final QueryOriginalDht dht;

    /** {@code peers}: the node's peer directory, empty when standalone (the DHT read then finds nothing). */
    public CachixUseCases(CachixCaches caches, AccessPolicy access, NarInfoRepository narInfos,
                          CacheKeyRepository keyRepository, PinRepository pinRepository, Optional<PeerDirectory> peers,
                          Clock clock) {
        this.catalog = new CachixCatalog(caches, access, narInfos, keyRepository);
        this.credentials = new CachixCredentials(access);
        this.keys = new SigningKeyRegistry(caches, access, keyRepository);
        this.pins = new PinService(caches, access, pinRepository, clock);
        this.dht = new OriginalDhtRecords(access, peers);
    }

    public CheckCachixCredentials credentials() {
        return credentials;
    }

    public DescribeCachixCache describe() {
        return catalog;
    }

    public FindMissingPaths missing() {
        return catalog;
    }

    public ReadCachixPaths paths() {
        return catalog;
    }

    public RegisterSigningKey keys() {
        return keys;
    }

    public ManagePins pins() {
        return pins;
    }

    public QueryOriginalDht dht() {
        return dht;
    }
}
