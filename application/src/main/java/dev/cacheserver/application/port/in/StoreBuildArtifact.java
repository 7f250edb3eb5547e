package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.StoredArtifact;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code PUT /log/<drv>} and {@code PUT /<hash>.ls}: stores a build log or NAR listing as the client sent it. The
 * caller is {@linkplain #authorizeUpload authorised} before the body is read, streams the body into the spool file
 * from {@link #begin()} (never held in memory), then {@link #store} publishes it, replacing an earlier one (and asks
 * for authorisation again); {@link #abort} drops the spool of a failed transfer. {@code store} fails with
 * AuthenticationException, PermissionDeniedException, InvalidInputException (a name outside the Nix alphabets) or
 * StorageException, and then removes the spool. Never blocks.
 */
public interface StoreBuildArtifact extends AuthorizeUpload {

    /** A spool file for one upload. */
    CompletionStage<Path> begin();

    CompletionStage<StoredArtifact> store(StoreBuildArtifactCommand command);

    CompletionStage<Void> abort(Path spool);

    /** The spooled upload of {@code size} bytes to publish as {@code name} of {@code kind}. */
    record StoreBuildArtifactCommand(Caller caller, Path spool, ArtifactKind kind, String name, long size,
                                     String contentType, Optional<String> contentEncoding) {
        public StoreBuildArtifactCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(spool, "spool");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(contentEncoding, "contentEncoding");
        }
    }
}
