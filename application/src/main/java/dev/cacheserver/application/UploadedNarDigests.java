package dev.cacheserver.application;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The NarHash and NarSize of NARs digested while they were uploaded, kept until their narinfo arrives so that
 * publishing it needs no second decompression. Only NARs whose FileHash was verified are remembered: the file
 * name is the hash of the bytes that were digested, so an entry stays right.
 * Bounded (oldest entries go first: an upload whose narinfo never comes costs nothing). Thread-safe.
 */
public final class UploadedNarDigests {
    static final int DEFAULT_CAPACITY = 4096;
    private final Map<String, CompletionStage<NarDigest>> digests;

    public UploadedNarDigests() {
        this(DEFAULT_CAPACITY);
    }

    UploadedNarDigests(int capacity) {
        this.digests = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletionStage<NarDigest>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers the digest (maybe still running) of a NAR whose FileHash was checked. */
    public synchronized void remember(NarFile file, CompletionStage<NarDigest> digest) {
        digests.put(file.fileName(), digest);
    }

    /** The remembered digest of {@code file}; it stays remembered (a narinfo may be published twice). */
    public synchronized Optional<CompletionStage<NarDigest>> find(NarFile file) {
        return Optional.ofNullable(digests.get(file.fileName()));
    }
}
