package dev.cacheserver.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.fuzz.Mutations;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Nix32 and sha256 hash parsing under random and mutated input: only their documented errors, and round trips. */
class Nix32Properties {
    static final String SHA256_EMPTY = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";

    @Provide
    Arbitrary<String> nix32Texts() {
        return Arbitraries.oneOf(Mutations.untrusted(60, SHA256_EMPTY, "1" + SHA256_EMPTY.substring(1),
                        "z".repeat(52), "a".repeat(52)),
                Arbitraries.strings().withChars(Nix32.ALPHABET).ofLength(52));
    }

    @Property(tries = 1000)
    void decodeRefusesWithIllegalArgumentOnly(@ForAll("nix32Texts") String text) {
        try {
            assertEquals(text, Nix32.encode(Nix32.decode(text, 32)), "what decodes encodes back the same");
        } catch (IllegalArgumentException expected) {
            // the documented refusal
        }
    }

    @Property(tries = 1000)
    void encodeDecodeRoundTrips(@ForAll @Size(min = 1, max = 64) byte[] bytes) {
        assertArrayEquals(bytes, Nix32.decode(Nix32.encode(bytes), bytes.length));
    }

    @Provide
    Arbitrary<String> hashTexts() {
        String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        return Mutations.untrusted(80, "sha256:" + SHA256_EMPTY, SHA256_EMPTY, "sha256:" + hex, hex,
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "sha256:" + "z".repeat(52));
    }

    @Property(tries = 1000)
    void nixHashParseRefusesWithInvalidInputOnly(@ForAll("hashTexts") String text) {
        try {
            NixHash hash = NixHash.parse("NarHash", text);
            assertEquals(hash, NixHash.parse("NarHash", hash.toString()), "the Nix form parses back");
        } catch (InvalidInputException expected) {
            // the documented refusal
        }
    }

    @Property(tries = 1000)
    void everyDigestRoundTripsInEveryForm(@ForAll @Size(32) byte[] digest) {
        NixHash hash = new NixHash(digest);
        assertEquals(hash, NixHash.parse("h", hash.toString()));
        assertEquals(hash, NixHash.parse("h", hash.nix32()));
        assertEquals(hash, NixHash.parse("h", "sha256:" + hash.hex()));
        assertEquals(hash, NixHash.parse("h", HexFormat.of().formatHex(digest).toUpperCase()));
    }
}
