package dev.cacheserver.application.artifact;

import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Realisations of content-addressed derivation outputs ({@code /realisations/<id>.doi}). {@link #publish} keeps
 * the client's signatures and adds the cache's (replacing an earlier one by the cache key), as Nix's binary cache
 * signs a realisation over its fingerprint; the id in the URL must be the document's. {@link #find} returns the
 * stored document. Authorisation is the caller's ({@link ArtifactPorts} adds it). Never blocks; failures are InvalidInputException or
 * StorageException.
 */
public interface RealisationUseCase {

    CompletionStage<Realisation> publish(DrvOutputId urlId, Realisation realisation);

    CompletionStage<Optional<Realisation>> find(DrvOutputId id);
}
