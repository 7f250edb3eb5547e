package dev.cacheserver.domain.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.fuzz.Mutations;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.Nix32;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The narinfo text parser (the body of every {@code PUT /<hash>.narinfo} and every peer's narinfo) under
 * byte-wise mutations of the narinfos Nix writes: it refuses with {@link InvalidInputException} only, and what it
 * accepts renders back to text that parses to the same narinfo.
 */
class NarInfoTextProperties {

    @Provide
    Arbitrary<String> narInfoTexts() {
        return Mutations.untrusted(400, NarInfoTextTest.TOP, NarInfoTextTest.CA,
                NarInfoTextTest.TOP + "System: x86_64-linux\n",
                NarInfoTextTest.CA.replace("CA: fixed:sha256:", "CA: fixed:r:sha256:"));
    }

    @Property(tries = 2000)
    void refusesWithInvalidInputOnlyAndWhatItAcceptsRoundTrips(@ForAll("narInfoTexts") String text) {
        NarInfo info;
        try {
            info = NarInfoText.parse(text);
        } catch (InvalidInputException expected) {
            return;
        }
        assertEquals(info, NarInfoText.parse(NarInfoText.render(info)));
    }

    @Provide
    Arbitrary<NarInfo> validNarInfos() {
        Arbitrary<String> hashes = Arbitraries.strings().withChars(Nix32.ALPHABET).ofLength(32);
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019+-._?=").ofMinLength(1).ofMaxLength(40)
                .filter(n -> n.charAt(0) != '.');
        Arbitrary<StorePath> paths = Combinators.combine(hashes, names).as((h, n) -> new StorePath(new StorePathHash(h), n));
        Arbitrary<NixHash> digests = Arbitraries.bytes().array(byte[].class).ofSize(32).map(NixHash::new);
        Arbitrary<Long> sizes = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<String> derivers = Combinators.combine(hashes, names).as((h, n) -> h + "-" + n + ".drv")
                .injectNull(0.3);
        Arbitrary<String> systems = Arbitraries.of("x86_64-linux", "aarch64-darwin", "builtin").injectNull(0.3);
        Arbitrary<String> cas = digests.map(d -> "fixed:r:sha256:" + d.nix32()).injectNull(0.5);
        return Combinators.combine(paths, Arbitraries.of(Compression.values()), digests, sizes, digests,
                        paths.list().ofMaxSize(5), derivers, Combinators.combine(systems, cas).as(java.util.Arrays::asList))
                .as((path, comp, fileHash, size, narHash, refs, drv, systemAndCa) -> new NarInfo(path,
                        new NarFile(fileHash, comp), size, narHash, size, refs, drv, systemAndCa.get(0), List.of(),
                        systemAndCa.get(1)));
    }

    @Property(tries = 500)
    void everyValidNarInfoRoundTripsSigned(@ForAll("validNarInfos") NarInfo info) {
        NarInfo signed = info.signedBy(KEY);
        String text = NarInfoText.render(signed);
        assertEquals(signed, NarInfoText.parse(text));
        assertEquals(text, NarInfoText.render(NarInfoText.parse(text)));
    }

    static final SecretSigningKey KEY = SecretSigningKey.generate("prop-test-1");
}
