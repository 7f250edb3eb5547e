package dev.cacheserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the key ring remembers between starts: which keys may have signed the stored narinfos. A key no longer
 * configured is retired (its signatures are removed) even when the server stopped before a re-signing pass
 * finished; stored signatures are trusted without verifying only after a finished pass with the same keys.
 */
class KeyRingRotationTest {
    @TempDir
    Path dir;
    SecretSigningKey oldKey;
    SecretSigningKey newKey;
    AppConfig loaded;

    @BeforeEach
    void keys() throws Exception {
        oldKey = SecretSigningKey.generate("main-1");
        newKey = SecretSigningKey.generate("main-2");
        Files.writeString(dir.resolve("old.secret"), oldKey.toNixFormat());
        Files.writeString(dir.resolve("new.secret"), newKey.toNixFormat());
    }

    @Test
    void aFinishedPassWithTheSameKeysIsTrustedAndAReorderStillIs() throws Exception {
        KeyRing ring = ring("[old.secret, new.secret]");
        SigningKeys keys = ring.signingKeys(cache(ring));
        assertFalse(ring.signaturesMadeWithCurrentKeys(cache(ring), keys), "nothing recorded yet");

        ring.recordPassStarting(cache(ring), keys);
        assertFalse(ring.signaturesMadeWithCurrentKeys(cache(ring), keys), "the pass has not finished");
        ring.recordFinishedPass(cache(ring), keys);
        assertTrue(ring.signaturesMadeWithCurrentKeys(cache(ring), keys));

        KeyRing reordered = ring("[new.secret, old.secret]");
        SigningKeys now = reordered.signingKeys(cache(reordered));
        assertEquals(newKey.publicKey(), now.current().publicKey());
        assertTrue(reordered.signaturesMadeWithCurrentKeys(cache(reordered), now), "both keys signed every row");
    }

    @Test
    void aRemovedKeyIsRetiredEvenWhenThePassThatAddedTheNewKeyNeverFinished() throws Exception {
        KeyRing before = ring("[old.secret]");
        before.recordFinishedPass(cache(before), before.signingKeys(cache(before)));
        KeyRing overlap = ring("[new.secret, old.secret]");
        overlap.recordPassStarting(cache(overlap), overlap.signingKeys(cache(overlap)));

        KeyRing after = ring("[new.secret]");
        SigningKeys keys = after.signingKeys(cache(after));

        assertEquals(List.of(oldKey.publicKey()), keys.retired());
        assertFalse(after.signaturesMadeWithCurrentKeys(cache(after), keys));
        after.recordFinishedPass(cache(after), keys);
        assertEquals(List.of(), ring("[new.secret]").signingKeys(cache(after)).retired(), "forgotten once removed");
    }

    @Test
    void theRecordOfAnEarlierVersionIsRead() throws Exception {
        KeyRing ring = ring("[old.secret]");
        Path record = dir.resolve("data/keys/main.signed-with");
        Files.createDirectories(record.getParent());
        Files.writeString(record, oldKey.publicKey().toString());

        assertTrue(ring.signaturesMadeWithCurrentKeys(cache(ring), ring.signingKeys(cache(ring))));
        KeyRing rotated = ring("[new.secret]");
        assertEquals(List.of(oldKey.publicKey()), rotated.signingKeys(cache(rotated)).retired());
    }

    private KeyRing ring(String files) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "server:\n  key: k\n  data-dir: " + dir.resolve("data")
                + "\ncaches:\n  - name: main\n    signing-key-files: " + files + "\n");
        loaded = ConfigLoader.load(Optional.of(config), Map.of("HOME", dir.toString()));
        return new KeyRing(loaded);
    }

    /** The cache of the configuration {@link #ring} loaded last (the argument only reads as the ring in use). */
    private CacheSettings cache(KeyRing ring) {
        return loaded.caches().get(0);
    }
}
