package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Makes an original cache's {@code key.priv} the signing key of the cache it is imported into, so that every client
 * whose {@code trusted-public-keys} holds the original's public key keeps trusting the cache: narinfos are signed
 * over the same fingerprint with the same key, i.e. exactly as the original signed them. Written only where this
 * server keeps a generated key ({@code <data-dir>/keys/<cache>.secret}, mode 0600); a configured
 * {@code signing-key-file} is never overwritten.
 */
final class OriginalKeyAdoption {
    private final KeyRing keys;
    private final PrintStream out;
    private final PrintStream err;

    OriginalKeyAdoption(KeyRing keys, PrintStream out, PrintStream err) {
        this.keys = keys;
        this.out = out;
        this.err = err;
    }

    /** 0 when the import may go on, else the exit code (2: a key conflict the operator must decide). */
    int adopt(String originalCache, CacheSettings cache, Optional<String> originalText,
              ImportOriginalCommand.KeyPolicy policy, boolean dryRun) throws IOException {
        if (originalText.isEmpty()) {
            out.println("note: the original cache " + originalCache + " has no readable key.priv in a local storage;"
                    + " its paths will be signed with cache " + cache.name() + "'s own key");
            return 0;
        }
        SecretSigningKey original;
        try {
            original = SecretSigningKey.parse(originalText.get());
        } catch (RuntimeException e) {
            err.println("cache-server: the original cache " + originalCache + "'s key.priv is not a Nix secret key ("
                    + e.getMessage() + ")");
            return 2;
        }
        Optional<SecretSigningKey> current = currentKey(cache);
        if (current.isPresent() && current.get().publicKey().equals(original.publicKey())) {
            out.println("cache " + cache.name() + " already signs with the original's key " + original.publicKey());
            return 0;
        }
        if (current.isPresent() && policy == ImportOriginalCommand.KeyPolicy.KEEP) {
            out.println("note: keeping cache " + cache.name() + "'s key " + current.get().publicKey()
                    + "; clients must trust it instead of the original's " + original.publicKey());
            return 0;
        }
        if (cache.signingKeyFile().isPresent()) {
            err.println("cache-server: cache " + cache.name() + " signs with signing-key-file "
                    + cache.signingKeyFile().get() + ", not the original's key " + original.publicKey()
                    + ". Point signing-key-file at the original's key.priv, or pass --keep-key");
            return 2;
        }
        if (current.isPresent() && policy != ImportOriginalCommand.KeyPolicy.REPLACE) {
            err.println("cache-server: cache " + cache.name() + " already has its own key " + current.get().publicKey()
                    + ", not the original's " + original.publicKey() + ". Pass --replace-key to sign with the"
                    + " original's key (clients of the original keep working; clients that trust the current key"
                    + " must trust the original's) or --keep-key to keep the current one");
            return 2;
        }
        Path file = keys.generatedKeyFile(cache);
        if (dryRun) {
            out.println("would make the original's key " + original.publicKey() + " the signing key of cache "
                    + cache.name());
            return 0;
        }
        if (current.isPresent()) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".replaced"), StandardCopyOption.REPLACE_EXISTING);
        }
        SecretFiles.readOrCreate(file, original::toNixFormat);
        out.println("cache " + cache.name() + " now signs with the original's key " + original.publicKey());
        return 0;
    }

    private Optional<SecretSigningKey> currentKey(CacheSettings cache) throws IOException {
        if (cache.signingKeyFile().isPresent()) {
            return Optional.of(keys.signingKey(cache));
        }
        return SecretFiles.read(keys.generatedKeyFile(cache)).map(SecretSigningKey::parse);
    }
}
