package dev.cacheserver.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.fuzz.Mutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Store paths, their hash parts and NAR file names (URL parts) under random and mutated input. */
class StorePathProperties {
    static final String PATH = "/nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top";

    @Provide
    Arbitrary<String> storePathTexts() {
        return Mutations.untrusted(260, PATH, "ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m",
                "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv", "fx0jmpsfp0pz1icpgr67h1gfflg562vy-" + "a".repeat(211));
    }

    @Property(tries = 1000)
    void storePathParseRefusesWithInvalidInputOnly(@ForAll("storePathTexts") String text) {
        try {
            StorePath path = StorePath.parse(text);
            assertEquals(path, StorePath.parse(path.fullPath()));
            assertEquals(path, StorePath.parse(path.baseName()));
        } catch (InvalidInputException expected) {
            // the documented refusal
        }
    }

    @Property(tries = 1000)
    void storePathHashRefusesWithInvalidInputOnly(@ForAll("storePathTexts") String text) {
        try {
            assertEquals(text, new StorePathHash(text).value());
        } catch (InvalidInputException expected) {
            // the documented refusal
        }
    }

    @Provide
    Arbitrary<StorePath> validStorePaths() {
        Arbitrary<String> hashes = Arbitraries.strings().withChars(Nix32.ALPHABET).ofLength(32);
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019+-._?=").ofMinLength(1).ofMaxLength(211)
                .filter(n -> n.charAt(0) != '.');
        return Combinators.combine(hashes, names).as((h, n) -> new StorePath(new StorePathHash(h), n));
    }

    @Property(tries = 1000)
    void validStorePathsRoundTrip(@ForAll("validStorePaths") StorePath path) {
        assertEquals(path, StorePath.parse(path.fullPath()));
        assertEquals(path, StorePath.parse(path.baseName()));
    }

    @Provide
    Arbitrary<String> narFileNames() {
        String hash = "0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz";
        return Mutations.untrusted(80, hash + ".nar.zst", hash + ".nar", hash + ".nar.xz", hash + ".nar.bz2",
                "a".repeat(52) + ".nar", "1" + "z".repeat(51) + ".nar");
    }

    @Property(tries = 1000)
    void narFileNamesRefuseWithInvalidInputOnlyAndRoundTrip(@ForAll("narFileNames") String text) {
        try {
            NarFile file = NarFile.parseFileName(text);
            assertEquals(file, NarFile.parseFileName(file.fileName()));
        } catch (InvalidInputException expected) {
            // the documented refusal
        }
    }
}
