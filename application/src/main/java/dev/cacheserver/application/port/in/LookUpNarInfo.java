package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePathHash;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET}/{@code HEAD /<hash>.narinfo}: the signed narinfo of a path this cache holds, exactly as served, or empty.
 * Called on event loops for every lookup: a recently served narinfo comes back as an already completed stage,
 * others after one key lookup off the calling thread. The stage fails with AuthenticationException or
 * PermissionDeniedException when the caller may not read the cache (a private cache needs a token; a token that is
 * present must be valid), and with StorageException when the repository cannot answer.
 */
public interface LookUpNarInfo {
    CompletionStage<Optional<byte[]>> lookUp(LookUpNarInfoCommand command);

    record LookUpNarInfoCommand(Caller caller, StorePathHash hash) {
        public LookUpNarInfoCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(hash, "hash");
        }
    }
}
