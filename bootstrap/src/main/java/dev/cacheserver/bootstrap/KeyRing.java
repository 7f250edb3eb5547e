package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's secrets: the HS256 token key (from {@code server.key}, else generated once into
 * {@code <data-dir>/server.key}) and each cache's Ed25519 signing key (from {@code signing-key-file}, else
 * generated once into {@code <data-dir>/keys/<cache>.secret}, named {@code <cache>.<host>-1}).
 */
final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final String PASS_PENDING = "# re-signing pass under way";
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

    /** The current key of {@code cache} (the first configured, else the generated one). */
    SecretSigningKey signingKey(CacheSettings cache) throws IOException {
        return activeKeys(cache).get(0);
    }

    /**
     * Every key of {@code cache}: the configured ones in order (the first is current), else the generated one; and
     * as retired, the keys that signed the stored narinfos and are no longer configured.
     */
    SigningKeys signingKeys(CacheSettings cache) throws IOException {
        List<SecretSigningKey> active = activeKeys(cache);
        List<PublicSigningKey> retired = new ArrayList<>(recordedKeys(cache));
        return new SigningKeys(active, retired);
    }

    /** Reads every configured key file of every cache, so that {@code check-config} reports what start would. */
    void checkConfiguredKeys() throws IOException {
        for (CacheSettings cache : config.caches()) {
            if (!cache.signingKeyFiles().isEmpty()) {
                activeKeys(cache);
            }
        }
    }

    private List<SecretSigningKey> activeKeys(CacheSettings cache) throws IOException {
        List<Path> files = cache.signingKeyFiles();
        if (files.isEmpty()) {
            Path file = generatedKeyFile(cache);
            String text = SecretFiles.readOrCreate(file,
                    () -> SecretSigningKey.generate(defaultKeyName(cache)).toNixFormat());
            return List.of(SecretSigningKey.parse(text));
        }
        List<SecretSigningKey> keys = new ArrayList<>();
        Map<String, Path> fileByName = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            String at = "caches[" + cache.name() + "]." + (files.size() == 1 ? "signing-key-file"
                    : "signing-key-files[" + i + "]");
            SecretSigningKey key = readKey(at, files.get(i));
            Path sameName = fileByName.putIfAbsent(key.name(), files.get(i));
            if (sameName != null) {
                throw new StartupException(at + ": the key in " + files.get(i) + " is named " + key.name()
                        + " like the key in " + sameName + "; a Nix client trusts one key per name, so give the new key"
                        + " another name (nix key generate-secret --key-name NAME)");
            }
            keys.add(key);
        }
        return keys;
    }

    private static SecretSigningKey readKey(String at, Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new StartupException(at + ": cannot read " + file);
        }
        try {
            return SecretSigningKey.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new StartupException(at + ": " + file + " is not a Nix secret key (" + e.getMessage() + ")");
        }
    }

    /** Where the key of a cache without {@code signing-key-file} is kept (generated at first start unless written). */
    Path generatedKeyFile(CacheSettings cache) {
        return config.server().dataDir().resolve("keys").resolve(cache.name() + ".secret");
    }

    /**
     * True when the narinfos stored for {@code cache} were signed with exactly {@code keys}, as recorded by
     * {@link #recordFinishedPass} when the last pass over them finished: their signatures need not be verified again.
     */
    boolean signaturesMadeWithCurrentKeys(CacheSettings cache, SigningKeys keys) throws IOException {
        Path file = signedWithFile(cache);
        return keys.retired().isEmpty() && Files.exists(file)
                && !Files.readString(file, StandardCharsets.UTF_8).startsWith(PASS_PENDING)
                && Set.copyOf(recordedKeys(cache)).equals(Set.copyOf(keys.publicKeys()));
    }

    /**
     * Records, before any row is signed with {@code keys}, that a pass is under way and that rows may carry
     * signatures by the keys recorded before or by {@code keys}: if the server stops before the pass finishes, the
     * next start still knows every key that may have signed, and retires those no longer configured.
     */
    void recordPassStarting(CacheSettings cache, SigningKeys keys) throws IOException {
        Set<PublicSigningKey> mayHaveSigned = new LinkedHashSet<>(keys.publicKeys());
        mayHaveSigned.addAll(recordedKeys(cache));
        write(cache, PASS_PENDING + "\n", mayHaveSigned);
    }

    /** Records that every stored narinfo of {@code cache} is now signed with the active {@code keys} only. */
    void recordFinishedPass(CacheSettings cache, SigningKeys keys) throws IOException {
        write(cache, "", keys.publicKeys());
    }

    private void write(CacheSettings cache, String header, java.util.Collection<PublicSigningKey> keys)
            throws IOException {
        Path file = signedWithFile(cache);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder text = new StringBuilder(header);
        keys.forEach(k -> text.append(k).append('\n'));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The keys recorded as having signed the stored narinfos; none when nothing was recorded yet. */
    private List<PublicSigningKey> recordedKeys(CacheSettings cache) throws IOException {
        Path file = signedWithFile(cache);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PublicSigningKey> keys = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(PublicSigningKey.parse(line));
            } catch (RuntimeException e) {
                // A damaged record only costs a verification pass: every row is checked again.
                LOG.warn("{}: ignoring a line that is not a public key", file);
            }
        }
        return keys;
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
