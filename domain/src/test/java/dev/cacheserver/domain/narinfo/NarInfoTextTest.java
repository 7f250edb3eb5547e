package dev.cacheserver.domain.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Golden vectors from specs/nix-client.md section 5: narinfos exactly as Nix 2.8 wrote them. */
class NarInfoTextTest {
    static final String TOP = """
            StorePath: /nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top
            URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst
            Compression: zstd
            FileHash: sha256:0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz
            FileSize: 315
            NarHash: sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8
            NarSize: 1048
            References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m
            Deriver: l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv
            Sig: test-1:uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw==
            """;
    static final String CA = """
            StorePath: /nix/store/n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-2394.bin
            URL: nar/0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs.nar.xz
            Compression: xz
            FileHash: sha256:0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs
            FileSize: 2200
            NarHash: sha256:0f83y2nqyr4qzwi99mqh5brzi7vgnsd68jrwvf96h4kw0x6fzc34
            NarSize: 2160
            References:\s
            Sig: test-1:F9x1FXjhBzc4bJkkFn7DKgGhFM1m5AiQXewAIWimSpt9LyUixtzblEdzP+XSllsApVYQ/dN1jlfz5gsNqPsbCg==
            CA: fixed:sha256:01xmfz34qlzmxnsiglh2sjrfq6khx7l5irvw19dh4rz213pg03sp
            """;

    @Test
    void rendersExactlyWhatNixWrote() {
        assertEquals(TOP, NarInfoText.render(NarInfoText.parse(TOP)));
        assertEquals(CA, NarInfoText.render(NarInfoText.parse(CA)));
    }

    @Test
    void aForeignNarInfoKeepsItsUrlAndIsServedUnderThisServersLayout() {
        String attic = TOP.replace("URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst",
                "URL: nar/fx0jmpsfp0pz1icpgr67h1gfflg562vy.nar");
        assertThrows(InvalidInputException.class, () -> NarInfoText.parse(attic), "an upload must use our layout");

        NarInfoText.ForeignNarInfo foreign = NarInfoText.parseForeign(attic);

        assertEquals("nar/fx0jmpsfp0pz1icpgr67h1gfflg562vy.nar", foreign.url());
        assertEquals(TOP, NarInfoText.render(foreign.info()));
        assertThrows(InvalidInputException.class, () -> NarInfoText.parseForeign(attic.replace(
                "URL: nar/fx0jmpsfp0pz1icpgr67h1gfflg562vy.nar\n", "")));
    }

    @Test
    void anUncompressedForeignNarWithoutFileHashIsItsOwnFile() {
        String attic = CA.replace("URL: nar/0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs.nar.xz",
                        "URL: nar/n974jrpgibg7ajmbc35p71w16qq7hd9w.nar").replace("Compression: xz", "Compression: none")
                .replace("FileHash: sha256:0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs\n", "")
                .replace("FileSize: 2200\n", "");

        NarInfo info = NarInfoText.parseForeign(attic).info();

        assertEquals(info.narHash(), info.fileHash());
        assertEquals(2160, info.fileSize());
        assertThrows(InvalidInputException.class, () -> NarInfoText.parseForeign(
                attic.replace("Compression: none", "Compression: xz")), "a compressed file's hash is not known");
        assertThrows(InvalidInputException.class, () -> NarInfoText.parse(attic));
    }

    @Test
    void fingerprintFollowsTheNixRule() {
        assertEquals("1;/nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top;"
                        + "sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8;1048;"
                        + "/nix/store/12z63721xzfhfahmwbyn60v571yq56ip-blob-1k,/nix/store/ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m",
                NarInfoText.parse(TOP).fingerprint());
        assertTrue(NarInfoText.parse(CA).fingerprint().endsWith(";2160;"), "no references: ends in ';'");
    }

    @Test
    void referencesAreSortedAsNixSignsThem() {
        String reversed = TOP.replace("References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m",
                "References: ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k");
        assertEquals(NarInfoText.parse(TOP).fingerprint(), NarInfoText.parse(reversed).fingerprint());
    }

    @Test
    void signingReplacesOurOwnSignatureAndKeepsTheClients() {
        SecretSigningKey key = SecretSigningKey.generate("main.example-1");
        NarInfo signed = NarInfoText.parse(TOP).signedBy(key).signedBy(key);
        assertEquals(2, signed.signatures().size());
        assertEquals("test-1", signed.signatures().get(0).keyName());
        assertTrue(signed.signatureBy(key.publicKey()).isPresent());
        PublicSigningKey other = SecretSigningKey.generate("main.example-1").publicKey();
        assertTrue(signed.signatureBy(other).isEmpty(), "a different key with the same name must not verify");
    }

    @Test
    void signingKeepsASignatureUnderOurKeyNameByAnotherKey() {
        SecretSigningKey ours = SecretSigningKey.generate("main.localhost-1");
        SecretSigningKey peers = SecretSigningKey.generate("main.localhost-1");
        NarInfo both = NarInfoText.parse(TOP).signedBy(peers).signedBy(ours);
        assertTrue(both.signatureBy(peers.publicKey()).isPresent(), "a client trusting the peer's key accepts it");
        assertTrue(both.signatureBy(ours.publicKey()).isPresent(), "a client trusting our key accepts it");
        assertEquals(3, both.signatures().size(), both.signatures().toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no StorePath|StorePath: |narinfo has no StorePath",
        "CRLF|\r|CRLF",
        "bad NarHash|NarHash: sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8|NarHash",
        "negative size|NarSize: 1048|NarSize",
        "traversal in URL|URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst|not a NAR file name",
        "bad reference|References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m|References",
        "bad signature|Sig: test-1:uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw==|Sig",
        "unknown compression|Compression: zstd|unsupported Compression",
        "URL and FileHash disagree|FileHash: sha256:0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz|but FileHash is",
    })
    void rejectsMalformedNarInfosNamingTheField(String name, String line, String expectedMessage) {
        String bad = switch (name) {
            case "no StorePath" -> TOP.replaceFirst("StorePath: [^\n]*\n", "");
            case "CRLF" -> TOP.replace("\n", "\r\n");
            case "bad NarHash" -> TOP.replace(line, "NarHash: sha256:xyz");
            case "negative size" -> TOP.replace(line, "NarSize: -5");
            case "traversal in URL" -> TOP.replace(line, "URL: nar/../../etc/passwd.nar.zst");
            case "bad reference" -> TOP.replace(line, "References: ../../etc/passwd");
            case "bad signature" -> TOP.replace(line, "Sig: test-1:bm90IGEgc2lnbmF0dXJl");
            case "unknown compression" -> TOP.replace(line, "Compression: lzma9");
            case "URL and FileHash disagree" -> TOP.replace(line, "FileHash: sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73");
            default -> throw new IllegalArgumentException(name);
        };
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NarInfoText.parse(bad));
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }

    @Test
    void requiresTheFinalNewlineNixRequires() {
        assertThrows(InvalidInputException.class, () -> NarInfoText.parse(TOP.substring(0, TOP.length() - 1)));
    }

    @Test
    void missingCompressionMeansBzip2LikeNix() {
        String noCompression = CA.replace("Compression: xz\n", "");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NarInfoText.parse(noCompression));
        assertTrue(e.getMessage().contains("does not match Compression: bzip2"), e.getMessage());
    }
}
