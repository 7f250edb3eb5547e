package dev.cacheserver.domain.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.BuildLogName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Realisation documents and the names of the protocol's side files, against what Nix 2.8 writes. */
class RealisationTest {
    static final String HASH = "sha256:6d3f7ad3ff4fbc1c8b1bd6bc8bb2ff1b2b4fbcd6f8f29d5bb2e68ec5e1c4ff0a";

    @Test
    void fingerprintAndJsonAreNixsSortedCompactJson() {
        DrvOutputId id = DrvOutputId.parse(HASH + "!out");
        DrvOutputId dep = DrvOutputId.parse("sha256:" + "0".repeat(64) + "!lib");
        Realisation r = new Realisation(id, StorePath.parse("/nix/store/n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing"),
                new TreeMap<>(Map.of(dep, StorePath.parse("12z63721xzfhfahmwbyn60v571yq56ip-blob-1k"))), List.of());
        // What Nix 2.8 uploads (nlohmann::json: keys sorted, no spaces), signatures removed for the fingerprint.
        assertEquals("{\"dependentRealisations\":{\"sha256:" + "0".repeat(64) + "!lib\":\"12z63721xzfhfahmwbyn60v571yq56ip-blob-1k\"},"
                + "\"id\":\"" + HASH + "!out\",\"outPath\":\"n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing\"}", r.fingerprint());
        assertEquals(r.fingerprint().substring(0, r.fingerprint().length() - 1) + ",\"signatures\":[]}", r.toJson());
    }

    @Test
    void signingKeepsOtherSignaturesAndReplacesOwn() {
        SecretSigningKey cache = SecretSigningKey.generate("cache-1");
        SecretSigningKey client = SecretSigningKey.generate("client-1");
        Realisation r = new Realisation(DrvOutputId.parse(HASH + "!out"),
                StorePath.parse("n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-thing"), new TreeMap<>(), List.of());
        Realisation signed = r.signedBy(client).signedBy(cache).signedBy(cache);
        assertEquals(2, signed.signatures().size());
        assertTrue(signed.isSignedBy(cache.publicKey()));
        assertTrue(signed.isSignedBy(client.publicKey()));
        assertTrue(cache.publicKey().verifies(signed.signatures().stream()
                .filter(s -> s.keyName().equals("cache-1")).findFirst().orElseThrow(), r.fingerprint()));
        Realisation moved = new Realisation(r.id(), StorePath.parse("12z63721xzfhfahmwbyn60v571yq56ip-other"),
                new TreeMap<>(), signed.signatures());
        assertFalse(moved.isSignedBy(cache.publicKey()), "a signature covers the output path");
        assertTrue(signed.toJson().contains("\"signatures\":[\"cache-1:"), signed.toJson());
        List<NarSignature> sigs = signed.signatures();
        assertEquals(sigs, new Realisation(r.id(), r.outPath(), new TreeMap<>(), List.of(sigs.get(1), sigs.get(0),
                sigs.get(0))).signatures(), "sorted and unique, like Nix's std::set");
    }

    @Test
    void badIdsAndNamesAreRefused() {
        for (String bad : List.of("", "sha256:abc!out", "md5:" + "a".repeat(64) + "!out", HASH, HASH + "!",
                HASH + "!o/ut", "sha256:" + "A".repeat(64) + "!out", HASH + "!../x")) {
            assertThrows(InvalidInputException.class, () -> DrvOutputId.parse(bad), bad);
        }
        assertEquals(HASH + "!out", DrvOutputId.parse(HASH + "!out").toString());
        for (String bad : List.of("x.drv", "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top", "../../etc/passwd",
                "l93ixgcr3x5k6yi03aiq952vzzj97i63-a/b.drv", "l93ixgcr3x5k6yi03aiq952vzzj97i63-.drv/..")) {
            assertThrows(InvalidInputException.class, () -> BuildLogName.parse(bad), bad);
        }
        assertEquals("l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv",
                BuildLogName.parse("/nix/store/l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv").value());
    }
}
