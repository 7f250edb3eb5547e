package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code PUT /realisations/<drv hash>!<output>.doi}: keeps the client's signatures and adds the cache's (replacing an
 * earlier one by the cache key), as Nix's binary cache signs a realisation over its fingerprint. The caller is
 * {@linkplain #authorizeUpload authorised} before the body is read, and again by {@link #publish}. The stage fails
 * with AuthenticationException, PermissionDeniedException, InvalidInputException (the id in the URL is not the
 * document's) or StorageException. Never blocks.
 */
public interface PublishRealisation extends AuthorizeUpload {
    CompletionStage<Realisation> publish(PublishRealisationCommand command);

    /** {@code urlId}: the id in the request's URL, which must be the document's. */
    record PublishRealisationCommand(Caller caller, DrvOutputId urlId, Realisation realisation) {
        public PublishRealisationCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(urlId, "urlId");
            Objects.requireNonNull(realisation, "realisation");
        }
    }
}
