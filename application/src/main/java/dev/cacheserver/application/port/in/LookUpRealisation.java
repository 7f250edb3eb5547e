package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET}/{@code HEAD /realisations/<drv hash>!<output>.doi}: the stored realisation of a content-addressed
 * derivation output, or empty. The stage fails with AuthenticationException or PermissionDeniedException when the
 * caller may not read the cache, StorageException when the repository cannot answer. Never blocks.
 */
public interface LookUpRealisation {
    CompletionStage<Optional<Realisation>> lookUp(LookUpRealisationCommand command);

    record LookUpRealisationCommand(Caller caller, DrvOutputId id) {
        public LookUpRealisationCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(id, "id");
        }
    }
}
