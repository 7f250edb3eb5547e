package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.NarFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The NAR files of one cache. Uploads are written by the caller into a spool file that this store hands
 * out, verified, then published atomically under their {@link NarFile} name: a reader never sees a partial
 * or unverified NAR under a final name. All methods are non-blocking; stages may complete on any thread.
 * Failures are {@link dev.cacheserver.domain.error.StorageException} (internal) or
 * {@link dev.cacheserver.domain.error.StorageFullException}.
 */
public interface NarStore {

    /** A new, empty spool file for one upload, on the same filesystem as the published NARs where possible. */
    CompletionStage<Path> createSpoolFile();

    /**
     * Moves a verified spool file into place as {@code file}. If {@code file} already exists (same name, so
     * the same bytes) the spool file is discarded and the existing NAR kept. The spool file is gone afterwards.
     */
    CompletionStage<Void> publish(Path spool, NarFile file);

    /** Deletes a spool file that will not be published; a missing file is not an error. */
    CompletionStage<Void> discard(Path spool);

    /**
     * Deletes the spool file of an upload that failed with {@code cause} while it was written, and answers the
     * failure to report: a lack of space becomes a {@link dev.cacheserver.domain.error.StorageFullException} naming
     * the storage (which then takes no new NAR for a while); anything else comes back unchanged.
     */
    default CompletionStage<Throwable> abandon(Path spool, Throwable cause) {
        return discard(spool).handle((v, e) -> cause);
    }

    /**
     * Checks, before a body is read, that a NAR of {@code bytes} (as the client declared them) can be stored at
     * all: fails with {@link dev.cacheserver.domain.error.PayloadTooLargeException} when it is larger than the free
     * space of every storage that could take it. Stores that cannot tell admit everything.
     */
    default CompletionStage<Void> admit(long bytes) {
        return CompletableFuture.completedFuture(null);
    }

    /** Where to read {@code file} from, or empty when it is not stored. */
    CompletionStage<Optional<NarLocation>> locate(NarFile file);

    /** Deletes a published NAR; true when something was deleted. */
    CompletionStage<Boolean> delete(NarFile file);

    /** Bytes and NAR files stored, for operators and placement strategies. */
    CompletionStage<StorageUsage> usage();

    /**
     * Walks the NAR files held, with when each was stored, in pages of at most {@code pageSize} (each file once,
     * in no promised order), for garbage collection of NARs no narinfo refers to and for reconciling records. The
     * next page is read only after the stage {@code visitor} returned for the previous one completed, so the heap
     * holds one page whatever the size of the store; a failed visitor stage ends the walk with its failure.
     * Stores that cannot list fail with UnsupportedOperationException.
     */
    default CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this store cannot list its NARs"));
    }

    record StorageUsage(long bytes, long files) {
    }

    record StoredNar(NarFile file, long size, Instant storedAt) {
    }
}
