package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.StoredArtifact;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET}/{@code HEAD /log/<drv>} and {@code /<hash>.ls}: a build log or NAR listing as it was uploaded (its
 * bytes, Content-Type and Content-Encoding), or empty. The stage fails with AuthenticationException or
 * PermissionDeniedException when the caller may not read the cache, InvalidInputException for a name outside the
 * Nix alphabets, StorageException when the store cannot answer. Never blocks.
 */
public interface LookUpBuildArtifact {
    CompletionStage<Optional<ArtifactFile>> lookUp(LookUpBuildArtifactCommand command);

    record LookUpBuildArtifactCommand(Caller caller, ArtifactKind kind, String name) {
        public LookUpBuildArtifactCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }
    }

    /** A published artifact: where its bytes are and how they were uploaded. */
    record ArtifactFile(StoredArtifact artifact, Path path) {
    }
}
