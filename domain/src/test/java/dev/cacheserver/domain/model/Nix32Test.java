package dev.cacheserver.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Nix32Test {

    @Test
    void encodesTheEmptySha256AsNixDoes() throws Exception {
        byte[] empty = MessageDigest.getInstance("SHA-256").digest(new byte[0]);
        assertEquals("0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73", Nix32.encode(empty));
    }

    @Test
    void roundTripsRandomDigests() {
        Random random = new Random(42);
        for (int size : new int[] {20, 32, 64}) {
            for (int i = 0; i < 1000; i++) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                assertArrayEquals(bytes, Nix32.decode(Nix32.encode(bytes), size));
            }
        }
    }

    @Test
    void rejectsLettersOutsideTheAlphabetAndOverflow() {
        assertThrows(IllegalArgumentException.class, () -> Nix32.decode("e".repeat(52), 32));
        assertThrows(IllegalArgumentException.class, () -> Nix32.decode("z".repeat(52), 32));
        assertThrows(IllegalArgumentException.class, () -> Nix32.decode("0".repeat(51), 32));
        assertFalse(Nix32.isNix32("../etc"));
    }

    @Test
    void nixHashParsesEveryFormClientsSend() {
        String nix32 = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
        NixHash expected = NixHash.parse("NarHash", nix32);
        String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertEquals(hex, expected.hex());
        assertEquals(expected, NixHash.parse("NarHash", "sha256:" + hex));
        assertEquals(expected, NixHash.parse("cFileHash", hex));
        assertEquals(expected, NixHash.parse("NarHash", "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
        assertEquals(nix32, expected.toString());
        assertArrayEquals(HexFormat.of().parseHex(hex), expected.bytes());
    }

    @Test
    void nixHashRejectsOtherAlgorithmsAndGarbage() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NixHash.parse("NarHash", "md5:abc"));
        assertTrue(e.getMessage().startsWith("NarHash"));
        assertThrows(InvalidInputException.class, () -> NixHash.parse("NarHash", "sha256:../../etc/passwd"));
        assertThrows(InvalidInputException.class, () -> NixHash.parse("NarHash", null));
    }

    @Test
    void storePathsAndNarFileNamesRejectTraversal() {
        assertThrows(InvalidInputException.class, () -> StorePath.parse("../../etc/passwd"));
        assertThrows(InvalidInputException.class, () -> StorePath.parse("fx0jmpsfp0pz1icpgr67h1gfflg562vy-../x"));
        assertThrows(InvalidInputException.class, () -> NarFile.parseFileName("../../0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar"));
        assertThrows(InvalidInputException.class, () -> NarFile.parseFileName("0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.gz"));
        assertThrows(InvalidInputException.class, () -> new StorePathHash("fx0jmpsfp0pz1icpgr67h1gfflg562v/"));
        NarFile file = NarFile.parseFileName("0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.xz");
        assertEquals(Compression.XZ, file.compression());
        assertEquals("nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.xz", file.url());
        assertEquals(Compression.NONE, NarFile.parseFileName("0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar").compression());
    }

    @Test
    void cacheNamesFollowTheDocumentedRule() {
        assertEquals("my-cache_1", new CacheName("my-cache_1").value());
        assertThrows(InvalidInputException.class, () -> new CacheName("My Cache"));
        assertThrows(InvalidInputException.class, () -> new CacheName("-x"));
        assertThrows(InvalidInputException.class, () -> new CacheName("../x"));
    }
}
