package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.upload.Pin;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code cachix pin}: keeps a store path of the cache under a name for as long as the pin says (write access).
 * The path must already be in the cache, the name 1-255 characters; otherwise InvalidInputException (400).
 * Retention reads the pins through the domain's PinRepository. Never blocks.
 */
public interface ManagePins {

    CompletionStage<Pin> pin(PinCommand command);

    /** {@code name}, {@code storePath} may be null (then invalid); {@code artifacts} null means none. */
    record PinCommand(Caller caller, String cacheName, String name, String storePath, List<String> artifacts,
                      Pin.Keep keep) {
        public PinCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cacheName, "cacheName");
            Objects.requireNonNull(keep, "keep");
            artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        }
    }
}
