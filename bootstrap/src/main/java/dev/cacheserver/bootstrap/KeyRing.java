package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's secrets: the HS256 token key (from {@code server.key}, else generated once into
 * {@code <data-dir>/server.key}) and each cache's Ed25519 signing key (from {@code signing-key-file}, else
 * generated once into {@code <data-dir>/keys/<cache>.secret}, named {@code <cache>.<host>-1}).
 */
final class KeyRing {
    private final AppConfig config;

    KeyRing(AppConfig config) {
        this.config = config;
    }

    byte[] tokenKey() throws IOException {
        if (config.server().key().isPresent()) {
            return config.server().key().get().getBytes(StandardCharsets.UTF_8);
        }
        String generated = SecretFiles.readOrCreate(config.server().dataDir().resolve("server.key"), () -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        });
        return generated.getBytes(StandardCharsets.UTF_8);
    }

    SecretSigningKey signingKey(CacheSettings cache) throws IOException {
        if (cache.signingKeyFile().isPresent()) {
            Path file = cache.signingKeyFile().get();
            if (!Files.isReadable(file)) {
                throw new StartupException("caches[" + cache.name() + "].signing-key-file: cannot read " + file);
            }
            try {
                return SecretSigningKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new StartupException("caches[" + cache.name() + "].signing-key-file: " + file
                        + " is not a Nix secret key (" + e.getMessage() + ")");
            }
        }
        Path file = generatedKeyFile(cache);
        String text = SecretFiles.readOrCreate(file,
                () -> SecretSigningKey.generate(defaultKeyName(cache)).toNixFormat());
        return SecretSigningKey.parse(text);
    }

    /** Where the key of a cache without {@code signing-key-file} is kept (generated at first start unless written). */
    Path generatedKeyFile(CacheSettings cache) {
        return config.server().dataDir().resolve("keys").resolve(cache.name() + ".secret");
    }

    /**
     * True when the narinfos stored for {@code cache} were signed with its current key, as recorded by
     * {@link #recordSigningKeyInUse} at the last start: their signatures need not be verified again.
     */
    boolean signaturesMadeWithCurrentKey(CacheSettings cache, SecretSigningKey key) throws IOException {
        Path file = signedWithFile(cache);
        return Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).strip().equals(key.publicKey().toString());
    }

    /** Records that every stored narinfo of {@code cache} is now signed with {@code key}. */
    void recordSigningKeyInUse(CacheSettings cache, SecretSigningKey key) throws IOException {
        Path file = signedWithFile(cache);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, key.publicKey().toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Path signedWithFile(CacheSettings cache) {
        return config.server().dataDir().resolve("keys").resolve(cache.name() + ".signed-with");
    }

    URI publicUrl(CacheSettings cache) {
        return cache.url().orElseGet(() -> URI.create("http://" + urlHost() + ":" + cache.port()));
    }

    private String defaultKeyName(CacheSettings cache) {
        if (cache.url().isPresent() && cache.url().get().getHost() != null) {
            return cache.url().get().getHost() + "-1";
        }
        return cache.name() + "." + machineHost() + "-1";
    }

    private String urlHost() {
        String bind = config.server().hostname();
        return isWildcard(bind) ? "127.0.0.1" : (bind.contains(":") ? "[" + bind + "]" : bind);
    }

    private String machineHost() {
        String bind = config.server().hostname();
        if (!isWildcard(bind)) {
            return bind;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static boolean isWildcard(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }
}
