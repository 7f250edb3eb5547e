package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.LookUpBuildArtifact.ArtifactFile;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.BuildLogName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.port.ArtifactFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link BuildArtifactUseCase} over the artifact files and their repository. Stateless; thread-safe. */
final class BuildArtifactService implements BuildArtifactUseCase {
    private final CacheProfile cache;
    private final ArtifactFiles files;
    private final ArtifactRepository repository;
    private final Clock clock;

    BuildArtifactService(CacheProfile cache, ArtifactFiles files, ArtifactRepository repository, Clock clock) {
        this.cache = cache;
        this.files = files;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Path> begin() {
        return files.createSpoolFile();
    }

    @Override
    public CompletionStage<StoredArtifact> complete(Path spool, ArtifactKind kind, String name, long size,
                                                    String contentType, Optional<String> contentEncoding) {
        StoredArtifact artifact;
        try {
            checkName(kind, name);
            artifact = new StoredArtifact(cache.name(), kind, name, size, contentType, contentEncoding,
                    clock.instant());
        } catch (RuntimeException e) {
            return files.discard(spool).thenCompose(v -> CompletableFuture.failedFuture(e));
        }
        // The file first: a row never names bytes that are not there yet. A file whose row could not be saved would
        // be found by no sweep, so it goes again.
        return files.publish(spool, kind, name)
                .thenCompose(v -> repository.save(artifact).exceptionallyCompose(e -> files.delete(kind, name)
                        .handle((deleted, ignored) -> null).thenCompose(x -> CompletableFuture.<Void>failedFuture(e))))
                .thenApply(v -> artifact);
    }

    @Override
    public CompletionStage<Void> abort(Path spool) {
        return files.discard(spool);
    }

    @Override
    public CompletionStage<Optional<ArtifactFile>> find(ArtifactKind kind, String name) {
        try {
            checkName(kind, name);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return repository.find(cache.name(), kind, name).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<ArtifactFile>empty())
                : files.locate(kind, name).thenApply(path -> path.map(p -> new ArtifactFile(found.get(), p))));
    }

    /** Names become file names: only the Nix alphabets get this far. */
    static void checkName(ArtifactKind kind, String name) {
        if (kind == ArtifactKind.BUILD_LOG) {
            if (!BuildLogName.parse(name).value().equals(name)) {
                throw new InvalidInputException("a build log is named after a derivation's base name, without a directory");
            }
        } else if (!StorePathHash.isValid(name)) {
            throw new InvalidInputException("a NAR listing is named <store path hash>.ls");
        }
    }
}
