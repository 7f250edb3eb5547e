package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET}/{@code HEAD /nar/<filehash>.nar[.ext]}: where a NAR of this cache can be read from (a local file, a
 * stream, or a redirect), or no location when the cache does not hold it. A NAR found counts as an access of the
 * paths it belongs to (retention). The stage fails with AuthenticationException or PermissionDeniedException when the
 * caller may not read the cache (checked first), NotFoundException when the file name is not a NAR's, and
 * StorageException when the storage cannot answer. Non-blocking.
 */
public interface ReadNar {
    CompletionStage<NarRead> read(ReadNarCommand command);

    /** {@code fileName}: the last segment of the URL, as the client sent it. */
    record ReadNarCommand(Caller caller, String fileName) {
        public ReadNarCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(fileName, "fileName");
        }
    }

    /** The NAR asked for and where it is; {@code location} is empty when this cache does not store it. */
    record NarRead(NarFile file, Optional<NarLocation> location) {
    }
}
