package dev.cacheserver.domain.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.SigningKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signing a narinfo with the keys of a cache in the middle of a key rotation. */
class RotationSigningTest {
    static final SecretSigningKey OLD = SecretSigningKey.generate("cache.example.org-1");
    static final SecretSigningKey NEW = SecretSigningKey.generate("cache.example.org-2");
    static final SecretSigningKey FOREIGN = SecretSigningKey.generate("builder-1");

    static NarInfo unsigned() {
        NixHash hash = new NixHash(new byte[32]);
        return new NarInfo(StorePath.parse("a".repeat(32) + "-hello"), new NarFile(hash, Compression.NONE), 10, hash,
                10, List.of(), null, null, List.of(), null);
    }

    @Test
    void everyActiveKeySignsSoAClientTrustingEitherAccepts() {
        NarInfo signed = unsigned().signedBy(new SigningKeys(List.of(NEW, OLD), List.of()));

        assertTrue(signed.signatureBy(NEW.publicKey()).isPresent());
        assertTrue(signed.signatureBy(OLD.publicKey()).isPresent());
        assertEquals(2, signed.signatures().size());
        assertEquals(NEW.name(), signed.signatures().get(0).keyName(), "the current key signs first");
    }

    @Test
    void signingAgainReplacesOurSignaturesAndKeepsForeignOnes() {
        SigningKeys keys = new SigningKeys(List.of(NEW, OLD), List.of());
        NarInfo byBuilder = unsigned().signedBy(FOREIGN);

        NarInfo twice = byBuilder.signedBy(keys).signedBy(keys);

        assertEquals(3, twice.signatures().size(), twice.signatures().toString());
        assertTrue(twice.signatureBy(FOREIGN.publicKey()).isPresent());
        assertTrue(twice.isSignedBy(keys));
    }

    @Test
    void aRetiredKeysSignatureIsRemovedSoAClientTrustingOnlyItRefuses() {
        NarInfo duringOverlap = unsigned().signedBy(FOREIGN).signedBy(new SigningKeys(List.of(NEW, OLD), List.of()));
        SigningKeys afterRotation = new SigningKeys(List.of(NEW), List.of(OLD.publicKey()));

        assertFalse(duringOverlap.isSignedBy(afterRotation), "a row still signed by the retired key needs a pass");
        NarInfo served = duringOverlap.signedBy(afterRotation);

        assertFalse(served.signatureBy(OLD.publicKey()).isPresent());
        assertTrue(served.signatureBy(NEW.publicKey()).isPresent());
        assertTrue(served.signatureBy(FOREIGN.publicKey()).isPresent(), "other signatures stay");
        assertTrue(served.isSignedBy(afterRotation));
    }

    @Test
    void aRowMissingTheSignatureOfAnAddedKeyIsNotSignedByTheKeys() {
        NarInfo beforeRotation = unsigned().signedBy(OLD);

        assertTrue(beforeRotation.isSignedBy(SigningKeys.of(OLD)));
        assertFalse(beforeRotation.isSignedBy(new SigningKeys(List.of(OLD, NEW), List.of())));
    }

    @Test
    void aForgedSignatureUnderOurKeyNameDoesNotCount() {
        NarInfo forged = unsigned().withSignatures(List.of(new NarSignature(NEW.name(), new byte[64])));

        assertFalse(forged.isSignedBy(SigningKeys.of(NEW)));
        assertTrue(forged.signedBy(SigningKeys.of(NEW)).signatureBy(NEW.publicKey()).isPresent());
    }

    @Test
    void twoActiveKeysWithOneNameAreRefused() {
        SecretSigningKey namesake = SecretSigningKey.generate(OLD.name());

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new SigningKeys(List.of(OLD, namesake), List.of()));
        assertTrue(e.getMessage().contains(OLD.name()), e.getMessage());
        assertThrows(InvalidInputException.class, () -> new SigningKeys(List.of(), List.of()));
    }

    @Test
    void aKeyThatIsActiveAgainIsNotRetired() {
        SigningKeys keys = new SigningKeys(List.of(NEW, OLD), List.of(OLD.publicKey(), FOREIGN.publicKey()));

        assertEquals(List.of(FOREIGN.publicKey()), keys.retired());
        assertEquals(NEW, keys.current());
        assertEquals(List.of(NEW.publicKey(), OLD.publicKey()), keys.publicKeys());
    }
}
