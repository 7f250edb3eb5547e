package dev.cacheserver.application.cachix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.fuzz.Mutations;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The Cachix {@code narInfoCreate} fields (a JSON body the client sends at the end of an upload) with each field
 * mutated: refused with {@link InvalidInputException} naming the field, or read into the narinfo they describe.
 */
class NarInfoCreateProperties {
    static final NarInfoCreate VALID = new NarInfoCreate("fx0jmpsfp0pz1icpgr67h1gfflg562vy", "closure-top",
            "sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8", 1048,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 315,
            List.of("12z63721xzfhfahmwbyn60v571yq56ip-blob-1k", "ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m"),
            "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv",
            "uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw==");

    @Provide
    Arbitrary<NarInfoCreate> mutated() {
        return Arbitraries.integers().between(0, 6).flatMap(field -> switch (field) {
            case 0 -> Mutations.of(VALID.cStoreHash()).map(v -> new NarInfoCreate(v, VALID.cStoreSuffix(),
                    VALID.cNarHash(), VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(), VALID.cReferences(),
                    VALID.cDeriver(), VALID.cSig()));
            case 1 -> Mutations.of(VALID.cStoreSuffix()).map(v -> new NarInfoCreate(VALID.cStoreHash(), v,
                    VALID.cNarHash(), VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(), VALID.cReferences(),
                    VALID.cDeriver(), VALID.cSig()));
            case 2 -> Mutations.of(VALID.cNarHash()).map(v -> new NarInfoCreate(VALID.cStoreHash(),
                    VALID.cStoreSuffix(), v, VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(),
                    VALID.cReferences(), VALID.cDeriver(), VALID.cSig()));
            case 3 -> Mutations.of(VALID.cFileHash()).map(v -> new NarInfoCreate(VALID.cStoreHash(),
                    VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(), v, VALID.cFileSize(),
                    VALID.cReferences(), VALID.cDeriver(), VALID.cSig()));
            case 4 -> Mutations.of(VALID.cReferences()).map(v -> new NarInfoCreate(VALID.cStoreHash(),
                    VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(),
                    List.of(v), VALID.cDeriver(), VALID.cSig()));
            case 5 -> Mutations.of(VALID.cDeriver(), "unknown-deriver").map(v -> new NarInfoCreate(VALID.cStoreHash(),
                    VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(),
                    VALID.cReferences(), v, VALID.cSig()));
            default -> Mutations.of(VALID.cSig()).map(v -> new NarInfoCreate(VALID.cStoreHash(),
                    VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(), VALID.cFileHash(), VALID.cFileSize(),
                    VALID.cReferences(), VALID.cDeriver(), v));
        });
    }

    @Property(tries = 1000)
    void mutatedFieldsAreReadOrRefusedWithInvalidInputOnly(@ForAll("mutated") NarInfoCreate create) {
        try {
            NarInfo info = create.toNarInfo(Compression.XZ);
            create.signature();
            assertEquals(create.cStoreSuffix(), info.storePath().name());
        } catch (InvalidInputException expected) {
            // a 400 naming the field
        }
    }

    @Test
    void theValidFieldsAreReadAndBadOnesNamed() {
        NarInfo info = VALID.toNarInfo(Compression.ZSTD);
        assertEquals("l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv", info.deriver());
        assertEquals(2, info.references().size());
        for (var bad : List.of(
                new Object[] {"cDeriver", withDeriver("l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top")},
                new Object[] {"cReferences", withReference("12z63721xzfhfahmwbyn60v571yq56ip")},
                new Object[] {"cReferences", withReference("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x")},
                new Object[] {"cStoreHash", new NarInfoCreate("e".repeat(32), VALID.cStoreSuffix(), VALID.cNarHash(),
                        1, VALID.cFileHash(), 1, List.of(), null, null)},
                new Object[] {"cStoreSuffix", new NarInfoCreate(VALID.cStoreHash(), "a b", VALID.cNarHash(),
                        1, VALID.cFileHash(), 1, List.of(), null, null)})) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> ((NarInfoCreate) bad[1]).toNarInfo(Compression.ZSTD));
            assertTrue(e.getMessage().startsWith((String) bad[0]), e.getMessage());
        }
        assertEquals(null, withDeriver("unknown-deriver").toNarInfo(Compression.ZSTD).deriver());
    }

    static NarInfoCreate withDeriver(String deriver) {
        return new NarInfoCreate(VALID.cStoreHash(), VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(),
                VALID.cFileHash(), VALID.cFileSize(), VALID.cReferences(), deriver, VALID.cSig());
    }

    static NarInfoCreate withReference(String reference) {
        return new NarInfoCreate(VALID.cStoreHash(), VALID.cStoreSuffix(), VALID.cNarHash(), VALID.cNarSize(),
                VALID.cFileHash(), VALID.cFileSize(), List.of(reference), VALID.cDeriver(), VALID.cSig());
    }
}
