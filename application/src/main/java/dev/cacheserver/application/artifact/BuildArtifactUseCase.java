package dev.cacheserver.application.artifact;

import dev.cacheserver.application.port.in.LookUpBuildArtifact.ArtifactFile;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.StoredArtifact;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Build logs ({@code /log/<drv>}) and NAR listings ({@code /<hash>.ls}) of one cache, stored as the client sent
 * them (compressed or not) and served back with the same Content-Type and Content-Encoding. An upload is
 * streamed by the caller into a spool file from {@link #begin()} (never held in memory), then {@link #complete}
 * publishes it, replacing an earlier one; {@link #abort} drops it. Names are checked again here: a bad one is an
 * {@code InvalidInputException}. Authorisation is the caller's ({@link ArtifactPorts} adds it). Never blocks; failures are StorageException.
 */
public interface BuildArtifactUseCase {

    /** A spool file for one upload. */
    CompletionStage<Path> begin();

    /** Publishes the spooled bytes as {@code name} of {@code kind}. */
    CompletionStage<StoredArtifact> complete(Path spool, ArtifactKind kind, String name, long size, String contentType,
                                             Optional<String> contentEncoding);

    CompletionStage<Void> abort(Path spool);

    /** The stored file and how to serve it, or empty. */
    CompletionStage<Optional<ArtifactFile>> find(ArtifactKind kind, String name);
}
