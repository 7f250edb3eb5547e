package dev.cacheserver.application.ingest;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.SpoolProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The NarHash and NarSize of NARs digested while they were ingested, kept until their narinfo arrives so that
 * publishing it needs no second decompression. Only NARs whose FileHash was verified are remembered: the file name
 * is the hash of the bytes that were digested, so an entry stays right. Bounded (oldest entries go first: an upload
 * whose narinfo never comes costs nothing). Thread-safe.
 */
public final class UploadedNarDigests {
    static final int DEFAULT_CAPACITY = 4096;
    private final Map<String, CompletionStage<NarDigest>> digests;
    private final NarContentHasher hasher;

    public UploadedNarDigests(NarContentHasher hasher) {
        this(hasher, DEFAULT_CAPACITY);
    }

    UploadedNarDigests(NarContentHasher hasher, int capacity) {
        this.hasher = hasher;
        this.digests = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletionStage<NarDigest>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Starts digesting a NAR while it is uploaded into {@code spool} (nothing to do for an uncompressed NAR, whose
     * NarHash is its FileHash). Hand the result to {@link #remember} once the FileHash is checked.
     */
    public Optional<CompletionStage<NarDigest>> digestWhileUploaded(SpoolProgress spool, Compression compression) {
        if (compression == Compression.NONE) {
            return Optional.empty();
        }
        return hasher.digestWhileWritten(spool, compression);
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
