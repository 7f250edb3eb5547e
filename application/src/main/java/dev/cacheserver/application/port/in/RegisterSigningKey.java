package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.signing.PublicSigningKey;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Registers the public key of a self-signed cache ({@code cachix generate-keypair}; write access). The key gets a
 * Nix key name derived from the cache's own ({@code main.example.org-1} gives {@code main.example.org-2}, ...),
 * never one of the cache's key names; registering the same key again returns it unchanged. A key that is not 32
 * bytes of base64 is InvalidInputException (400). Never blocks.
 */
public interface RegisterSigningKey {

    CompletionStage<PublicSigningKey> register(RegisterSigningKeyCommand command);

    /** {@code publicKeyBase64}: the raw 32-byte Ed25519 public key in base64, without a name (null: invalid). */
    record RegisterSigningKeyCommand(Caller caller, String cacheName, String publicKeyBase64) {
        public RegisterSigningKeyCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cacheName, "cacheName");
        }
    }
}
