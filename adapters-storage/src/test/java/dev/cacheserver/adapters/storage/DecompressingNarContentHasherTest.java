package dev.cacheserver.adapters.storage;

import static dev.cacheserver.adapters.storage.NarStoreContract.await;
import static dev.cacheserver.adapters.storage.NarStoreContract.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarLocation;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DecompressingNarContentHasherTest {
    // A few MiB: several 256 KiB hashing buffers and several bzip2 blocks, yet quick to compress with xz.
    private static final int NAR_SIZE = 3 * 1024 * 1024 + 12345;
    private static final Map<Compression, byte[]> COMPRESSED = new EnumMap<>(Compression.class);
    private static byte[] nar;
    private static Vertx vertx;
    private static DecompressingNarContentHasher hasher;

    @TempDir
    Path directory;

    @BeforeAll
    static void prepare() throws IOException {
        nar = narLikeData(NAR_SIZE, 42);
        for (Compression compression : Compression.values()) {
            COMPRESSED.put(compression, compress(nar, compression));
        }
        vertx = Vertx.vertx();
        hasher = new DecompressingNarContentHasher(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        await(hasher.close().toCompletionStage());
        await(vertx.close().toCompletionStage());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void hashAndSizeAreThoseOfTheDecompressedNar(Compression compression) throws Exception {
        NarDigest digest = digest(COMPRESSED.get(compression), compression);

        assertEquals(sha256(nar), digest.narHash());
        assertEquals(nar.length, digest.narSize());
    }

    @Test
    void emptyUncompressedFileHashesLikeNixDoes() throws Exception {
        NarDigest digest = digest(new byte[0], Compression.NONE);

        assertEquals("sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73", digest.narHash().toString());
        assertEquals(0, digest.narSize());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void concatenatedStreamsAreOneNar(Compression compression) throws Exception {
        byte[] first = Arrays.copyOf(nar, 100_000);
        byte[] second = Arrays.copyOfRange(nar, 100_000, 300_000);

        NarDigest digest = digest(concat(compress(first, compression), compress(second, compression)), compression);

        assertEquals(sha256(Arrays.copyOf(nar, 300_000)), digest.narHash());
        assertEquals(300_000, digest.narSize());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void corruptedDataIsRejected(Compression compression) throws Exception {
        byte[] corrupt = COMPRESSED.get(compression).clone();
        for (int i = corrupt.length / 2; i < corrupt.length / 2 + 16; i++) {
            corrupt[i] ^= (byte) 0x5a;
        }

        assertNotValid(compression, corrupt);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void truncatedDataIsRejected(Compression compression) throws Exception {
        byte[] whole = COMPRESSED.get(compression);

        assertNotValid(compression, Arrays.copyOf(whole, whole.length * 2 / 3));
        assertNotValid(compression, Arrays.copyOf(whole, whole.length - 1));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void trailingGarbageIsRejected(Compression compression) throws Exception {
        byte[] garbage = "this is not compressed data, just trailing bytes".getBytes(StandardCharsets.US_ASCII);

        assertNotValid(compression, concat(COMPRESSED.get(compression), garbage));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void otherFormatsAndPlainNarsAreRejected(Compression compression) throws Exception {
        for (Compression actual : Compression.values()) {
            if (actual != compression) {
                assertNotValid(compression, COMPRESSED.get(actual));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"ZSTD", "BZIP2", "XZ"})
    void emptyCompressedFileIsRejected(Compression compression) throws Exception {
        assertNotValid(compression, new byte[0]);
    }

    @Test
    void missingFileIsAStorageFailureNotTheClientsFault() throws Exception {
        Path missing = directory.resolve("gone.nar.zst");

        Throwable failure = failureOf(hasher.digest(new NarLocation.LocalFile(missing, 10), Compression.ZSTD));

        assertInstanceOf(StorageException.class, failure);
    }

    @Test
    void anUnreachableRedirectIsUnavailableNotAHashMismatch() throws Exception {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        NarLocation redirect = new NarLocation.Redirect(URI.create("http://127.0.0.1:9/nar/x.nar.zst"), 10);

        assertInstanceOf(dev.cacheserver.domain.error.UnavailableException.class,
                failureOf(hasher.digest(redirect, Compression.ZSTD)));
    }

    // --- helpers

    private void assertNotValid(Compression compression, byte[] content) throws Exception {
        Path file = Files.write(Files.createTempFile(directory, "nar", compression.extension()), content);

        Throwable failure = failureOf(hasher.digest(new NarLocation.LocalFile(file, content.length), compression));

        assertInstanceOf(HashMismatchException.class, failure);
        String prefix = "NAR file is not valid " + compression.narInfoName() + " data: ";
        assertTrue(failure.getMessage().startsWith(prefix), failure.getMessage());
    }

    private NarDigest digest(byte[] content, Compression compression) throws Exception {
        Path file = Files.write(Files.createTempFile(directory, "nar", compression.extension()), content);
        return await(hasher.digest(new NarLocation.LocalFile(file, content.length), compression));
    }

    /** Roughly what NARs hold: mostly text (scripts, headers, docs) with stretches of binary. */
    static byte[] narLikeData(int size, long seed) {
        Random random = new Random(seed);
        String[] words = {"nix-archive-1", "(", "type", "regular", "contents", "executable", "entry", "name",
            "node", "directory", "symlink", "target", "#!/bin/sh", "export", "PATH=", "/nix/store/", "lib", "share",
            "if", "then", "fi", "echo", "int", "return", "static", "void", "const", "char", ")", ";", "{", "}"};
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        while (out.size() < size) {
            if (random.nextInt(10) < 7) {
                StringBuilder line = new StringBuilder();
                for (int n = 4 + random.nextInt(12); n > 0; n--) {
                    line.append(words[random.nextInt(words.length)]).append(' ');
                }
                out.writeBytes(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] binary = new byte[32 + random.nextInt(96)];
                random.nextBytes(binary);
                out.writeBytes(binary);
            }
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    static byte[] compress(byte[] data, Compression compression) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 2);
        try (OutputStream out = compressing(sink, compression)) {
            out.write(data);
        }
        return sink.toByteArray();
    }

    private static OutputStream compressing(OutputStream sink, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> sink;
            // The checksum lets corruption show up as a decoding error (Nix's own zstd files may lack it).
            case ZSTD -> new ZstdOutputStream(sink, 3).setChecksum(true);
            // Preset 0: xz-java compression is very slow at higher presets (java-stack G14).
            case XZ -> new XZOutputStream(sink, new LZMA2Options(0));
            case BZIP2 -> new BZip2CompressorOutputStream(sink, 1);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static NixHash sha256(byte[] data) throws Exception {
        return new NixHash(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
