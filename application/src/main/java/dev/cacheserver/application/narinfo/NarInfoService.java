package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.ingest.UploadedNarDigests;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The narinfo use cases of one cache, wired together: {@link #serving()} (lookups), {@link #publishing()},
 * {@link #uploadDigests()} (digests made while NARs arrive), {@link #accessTimes()} (reads, for retention) and
 * {@link #removal()}. Nothing here holds anything per path beyond bounded caches: narinfos live in the repository
 * and are read on demand, so creating it costs nothing whatever the size of the cache.
 */
public final class NarInfoService {
    private final CopyOnWriteArrayList<NarInfoListener> listeners = new CopyOnWriteArrayList<>();
    private final AccessTimes accessTimes;
    private final ServedNarInfos serving;
    private final UploadedNarDigests uploadDigests;
    private final NarInfoPublisher publishing;
    private final NarInfoRemoval removal;

    public NarInfoService(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher) {
        this(cache, repository, store, hasher, Clock.systemUTC(), ServedNarInfos.DEFAULT_CACHE_BYTES, false);
    }

    public NarInfoService(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher,
                          Clock clock) {
        this(cache, repository, store, hasher, clock, ServedNarInfos.DEFAULT_CACHE_BYTES, false);
    }

    /**
     * {@code cacheBytes} bounds the rendered narinfos kept in memory. {@code trustOwnSignatures}: the caller knows
     * the cache key has not changed since the rows were signed, so a signature under the key's name is served
     * without verifying it (Ed25519 costs about a millisecond per operation in the JDK).
     */
    public NarInfoService(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher,
                          Clock clock, long cacheBytes, boolean trustOwnSignatures) {
        this.accessTimes = new AccessTimes(cache.name(), repository, AccessTimes.DEFAULT_CAPACITY);
        this.serving = new ServedNarInfos(cache, repository, accessTimes, clock, cacheBytes, trustOwnSignatures);
        this.uploadDigests = new UploadedNarDigests(hasher);
        this.publishing = new NarInfoPublisher(cache, repository, store, hasher, uploadDigests, serving, listeners);
        this.removal = new NarInfoRemoval(cache, repository, serving, listeners);
    }

    public ServedNarInfos serving() {
        return serving;
    }

    public NarInfoPublisher publishing() {
        return publishing;
    }

    public UploadedNarDigests uploadDigests() {
        return uploadDigests;
    }

    public AccessTimes accessTimes() {
        return accessTimes;
    }

    public NarInfoRemoval removal() {
        return removal;
    }

    /**
     * Another process sharing the database saved or deleted the narinfo of {@code hash}: what this process holds
     * in memory about it (the rendered narinfo, a cached miss) is dropped, so the next lookup reads the database.
     */
    public void changedElsewhere(StorePathHash hash) {
        serving.changedElsewhere(hash);
    }

    /** Also tells {@code listener} about every publish and removal. */
    public void addListener(NarInfoListener listener) {
        listeners.add(listener);
    }
}
