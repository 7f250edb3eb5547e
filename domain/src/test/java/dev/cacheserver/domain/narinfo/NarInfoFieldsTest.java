package dev.cacheserver.domain.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.NarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CA, Deriver, System and References checks, through the narinfo text parser a client's upload goes to. */
class NarInfoFieldsTest {
    static final String SHA256_NIX32 = "01xmfz34qlzmxnsiglh2sjrfq6khx7l5irvw19dh4rz213pg03sp";

    static String withCa(String ca) {
        return NarInfoTextTest.CA.replace("CA: fixed:sha256:" + SHA256_NIX32, "CA: " + ca);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "fixed:sha256:" + SHA256_NIX32,
            "fixed:r:sha256:" + SHA256_NIX32,
            "text:sha256:" + SHA256_NIX32,
            "fixed:r:sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "fixed:sha1:0mdqa9w1p6cmli6976v4wi0sw9r4p5pr",
            "fixed:r:md5:d41d8cd98f00b204e9800998ecf8427e",
            "fixed:sha512:" + "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                    + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"})
    void acceptsTheContentAddressesNixWrites(String ca) {
        assertEquals(ca, NarInfoText.parse(withCa(ca)).ca());
        assertEquals(withCa(ca), NarInfoText.render(NarInfoText.parse(withCa(ca))), "served as uploaded");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "fixed:nonsense",
            "fixed:sha256:nonsense",
            "sha256:" + SHA256_NIX32,
            "fixed:r:sha257:" + SHA256_NIX32,
            "text:sha1:0mdqa9w1p6cmli6976v4wi0sw9r4p5pr",
            "fixed:sha256:" + "01xmfz34qlzmxnsiglh2sjrfq6khx7l5irvw19dh4rz213pg03s",
            "fixed:sha1:" + SHA256_NIX32,
            "fixed:sha256:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "fixed:r:r:sha256:" + SHA256_NIX32,
            "fixed:sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g"})
    void refusesAContentAddressNixCannotParseNamingTheField(String ca) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NarInfoText.parse(withCa(ca)));
        assertTrue(e.getMessage().startsWith("CA is not a valid content address"), e.getMessage());
    }

    @Test
    void theDeriverIsADerivationPathOrUnknown() {
        String top = NarInfoTextTest.TOP;
        String deriver = "Deriver: l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv";
        assertEquals("l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv", NarInfoText.parse(top).deriver());
        assertNull(NarInfoText.parse(top.replace(deriver, "Deriver: unknown-deriver")).deriver(),
                "Nix reads unknown-deriver as no deriver");
        assertEquals("l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv", NarInfoText.parse(
                top.replace(deriver, "Deriver: /nix/store/l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv")).deriver());
        for (String bad : new String[] {"l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top",
                "l93ixgcr3x5k6yi03aiq952vzzj97i63-clo$ure.drv", "not-a-path.drv",
                "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x.drv", "l93ixgcr3x5k6yi03aiq952vzzj97i63-" + "a".repeat(212) + ".drv"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> NarInfoText.parse(top.replace(deriver, "Deriver: " + bad)), bad);
            assertTrue(e.getMessage().startsWith("Deriver"), e.getMessage());
        }
    }

    @Test
    void theSystemIsASystemType() {
        String top = NarInfoTextTest.TOP;
        for (String ok : new String[] {"x86_64-linux", "aarch64-darwin", "i686-linux", "builtin"}) {
            assertEquals(ok, NarInfoText.parse(top + "System: " + ok + "\n").system());
        }
        for (String bad : new String[] {"x86_64 linux", "x86_64-linux;rm", "x".repeat(65), "linux/amd64"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> NarInfoText.parse(top + "System: " + bad + "\n"), bad);
            assertTrue(e.getMessage().startsWith("System is not a valid system type"), e.getMessage());
        }
    }

    @Test
    void eachReferenceIsAStorePathBaseName() {
        String refs = "References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m";
        String top = NarInfoTextTest.TOP;
        for (String bad : new String[] {"12z63721xzfhfahmwbyn60v571yq56ip", "12z63721xzfhfahmwbyn60v571yq56i-blob",
                "12z63721xzfhfahmwbyn60v571yq56ie-blob", "12z63721xzfhfahmwbyn60v571yq56ip-../etc",
                "12z63721xzfhfahmwbyn60v571yq56ip-" + "a".repeat(212), "12z63721xzfhfahmwbyn60v571yq56ip-.hidden"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> NarInfoText.parse(top.replace(refs, "References: " + bad)), bad);
            assertTrue(e.getMessage().startsWith("References"), e.getMessage());
        }
        assertEquals(1, NarInfoText.parse(top.replace(refs,
                "References: 12z63721xzfhfahmwbyn60v571yq56ip-" + "a".repeat(211))).references().size(),
                "211 characters is Nix's limit, not past it");
    }

    @Test
    void aNarFileNameWhoseNix32ValueOverflowsIsInvalidInput() {
        // 52 nix32 digits carry 260 bits; 'a' at the top does not fit in 256 (issue 18, item 5).
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NarFile.parseFileName("a".repeat(52) + ".nar"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
