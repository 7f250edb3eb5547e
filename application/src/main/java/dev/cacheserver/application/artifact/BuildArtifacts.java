package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpBuildArtifact;
import dev.cacheserver.application.port.in.StoreBuildArtifact;
import dev.cacheserver.domain.model.StoredArtifact;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The build-log and NAR-listing ports: the caller's access first, then {@link BuildArtifactUseCase}. */
final class BuildArtifacts implements LookUpBuildArtifact, StoreBuildArtifact {
    private final CacheAccess access;
    private final BuildArtifactUseCase artifacts;

    BuildArtifacts(CacheAccess access, BuildArtifactUseCase artifacts) {
        this.access = access;
        this.artifacts = artifacts;
    }

    @Override
    public CompletionStage<Optional<ArtifactFile>> lookUp(LookUpBuildArtifactCommand command) {
        return access.afterRead(command.caller(), () -> artifacts.find(command.kind(), command.name()));
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }

    @Override
    public CompletionStage<Path> begin() {
        return artifacts.begin();
    }

    @Override
    public CompletionStage<StoredArtifact> store(StoreBuildArtifactCommand command) {
        try {
            access.write(command.caller());
        } catch (RuntimeException e) {
            return artifacts.abort(command.spool()).handle((v, ignored) -> null)
                    .thenCompose(v -> CompletableFuture.failedFuture(e));
        }
        return artifacts.complete(command.spool(), command.kind(), command.name(), command.size(),
                command.contentType(), command.contentEncoding());
    }

    @Override
    public CompletionStage<Void> abort(Path spool) {
        return artifacts.abort(spool);
    }
}
