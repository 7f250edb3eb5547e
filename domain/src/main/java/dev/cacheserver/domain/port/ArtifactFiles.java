package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.ArtifactKind;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The bytes of one cache's build logs and NAR listings, written like NARs: the caller fills a spool file handed out
 * here, then {@link #publish} moves it into place atomically, replacing an earlier file of the same name (a log
 * uploaded again wins). Names are validated by the caller ({@code BuildLogName}, {@code StorePathHash}) and never
 * contain a path separator. Non-blocking; stages may complete on any thread; failures are
 * {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface ArtifactFiles {

    /** A new, empty spool file on the same filesystem as the published files. */
    CompletionStage<Path> createSpoolFile();

    /** Moves {@code spool} into place as {@code name} of {@code kind}. */
    CompletionStage<Void> publish(Path spool, ArtifactKind kind, String name);

    /** Deletes a spool file that will not be published; a missing file is not an error. */
    CompletionStage<Void> discard(Path spool);

    /** The published file, or empty. */
    CompletionStage<Optional<Path>> locate(ArtifactKind kind, String name);

    /** Deletes a published file; a missing file is not an error. */
    CompletionStage<Void> delete(ArtifactKind kind, String name);
}
