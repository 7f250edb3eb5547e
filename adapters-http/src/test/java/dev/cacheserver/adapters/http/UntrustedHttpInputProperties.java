package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.fuzz.Mutations;
import dev.cacheserver.domain.model.Compression;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The parsers of the HTTP adapter that see request headers and bodies before anything else checks them: the
 * Range header, the Authorization header and the Cachix JSON bodies. Random and mutated input gets only the
 * answers they document (a whole-file answer or 416 for Range, no token, a 400); valid input round-trips.
 */
class UntrustedHttpInputProperties {
    static final String COMPLETE = """
            {"parts":[{"partNumber":1,"eTag":"\\"5d41402abc4b2a76b9719d911017c592\\""}],
             "narInfoCreate":{"cStoreHash":"fx0jmpsfp0pz1icpgr67h1gfflg562vy","cStoreSuffix":"closure-top",
              "cNarHash":"sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8","cNarSize":1048,
              "cFileHash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","cFileSize":315,
              "cReferences":["12z63721xzfhfahmwbyn60v571yq56ip-blob-1k"],
              "cDeriver":"l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv",
              "cSig":"uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw=="}}
            """;
    static final String PIN = "{\"name\":\"p\",\"storePath\":\"/nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-x\","
            + "\"artifacts\":[],\"keep\":{\"tag\":\"Days\",\"contents\":3}}";

    @Provide
    Arbitrary<String> rangeHeaders() {
        return Mutations.untrusted(40, "bytes=0-99", "bytes=100-", "bytes=-500", "bytes=5-5", "bytes=0-0,5-9",
                "bytes=9223372036854775807-", "bytes=-9223372036854775808");
    }

    @Property(tries = 1000)
    void rangeHeadersGiveARangeInsideTheFileTheWholeFileOr416(@ForAll("rangeHeaders") String header,
                                                               @ForAll @LongRange(min = 0, max = 1000) long size) {
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(header, size);
        } catch (ByteRange.Unsatisfiable expected) {
            return;
        }
        range.ifPresent(r -> assertTrue(r.start() >= 0 && r.start() <= r.endInclusive() && r.endInclusive() < size
                && r.length() > 0, header + " on " + size + " bytes: " + r));
    }

    @Property(tries = 1000)
    void validRangesRoundTrip(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long size,
                              @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long a,
                              @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long b) {
        long start = Math.min(a, b) % size;
        long end = Math.max(start, Math.max(a, b) % size);
        assertEquals(Optional.of(new ByteRange(start, end)), ByteRange.parse("bytes=" + start + "-" + end, size));
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Mutations.untrusted(80, "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "Basic OmV5SmhiR2Np",
                "Basic dXNlcjpwYXNz", "bearer  x ");
    }

    @Property(tries = 1000)
    void anAuthorizationHeaderYieldsATokenOrNone(@ForAll("authorizations") String header) {
        Credentials.token(header).ifPresent(token -> assertTrue(!token.isEmpty()));
    }

    @Provide
    Arbitrary<String> jsonBodies() {
        return Mutations.untrusted(300, COMPLETE, PIN, "[\"fx0jmpsfp0pz1icpgr67h1gfflg562vy\"]", "{}", "[]");
    }

    @Property(tries = 1000)
    void cachixJsonBodiesAreReadOrRefusedWith400Only(@ForAll("jsonBodies") String text) {
        Buffer body = Buffer.buffer(text);
        try {
            JsonObject object = CachixJson.object(body);
            CachixJson.parts(object);
            NarInfoCreate create = CachixJson.narInfoCreate(object);
            create.toNarInfo(Compression.ZSTD);
            create.signature();
        } catch (InvalidInputException expected) {
            // a 400 with its message
        }
        try {
            JsonObject object = CachixJson.object(body);
            CachixJson.string(object, "name");
            CachixJson.strings(object, "artifacts");
            CachixJson.keep(object.getValue("keep"));
        } catch (InvalidInputException expected) {
            // a 400 with its message
        }
        try {
            CachixJson.stringArray(body);
        } catch (InvalidInputException expected) {
            // a 400 with its message
        }
    }

    @Property(tries = 200)
    void theValidCompleteBodyIsRead(@ForAll("compressions") Compression compression) {
        NarInfoCreate create = CachixJson.narInfoCreate(CachixJson.object(Buffer.buffer(COMPLETE)));
        assertEquals("closure-top", create.toNarInfo(compression).storePath().name());
        assertEquals(1, CachixJson.parts(CachixJson.object(Buffer.buffer(COMPLETE))).orElseThrow().size());
    }

    @net.jqwik.api.Example
    void aSizePastALongIsRefusedNotWrapped() {
        String huge = COMPLETE.replace("\"cNarSize\":1048", "\"cNarSize\":18446744073709552664");
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> CachixJson.narInfoCreate(CachixJson.object(Buffer.buffer(huge))));
        assertEquals("cNarSize is out of range", e.getMessage());
    }

    @Provide
    Arbitrary<Compression> compressions() {
        return Arbitraries.of(Compression.values());
    }
}
