package dev.cacheserver.application.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The bounded memory of digests made during uploads. */
class UploadedNarDigestsTest {

    @Test
    void keepsAtMostItsCapacityAndForgetsTheOldestFirst() {
        UploadedNarDigests digests = new UploadedNarDigests(null, 3);
        CompletionStage<NarDigest> first = digest(1);
        digests.remember(file(1), first);
        digests.remember(file(2), digest(2));
        digests.remember(file(3), digest(3));
        assertSame(first, digests.find(file(1)).orElseThrow(), "within capacity everything is kept");

        digests.remember(file(4), digest(4));

        assertEquals(Optional.empty(), digests.find(file(1)), "the oldest entry went");
        for (int i = 2; i <= 4; i++) {
            assertTrue(digests.find(file(i)).isPresent(), "entry " + i + " is kept");
        }
        digests.remember(file(5), digest(5));
        assertEquals(Optional.empty(), digests.find(file(2)), "then the next oldest");
        assertTrue(digests.find(file(3)).isPresent());
        assertTrue(digests.find(file(5)).isPresent());
    }

    @Test
    void findingAnEntryDoesNotConsumeIt() {
        UploadedNarDigests digests = new UploadedNarDigests(null, 2);
        CompletionStage<NarDigest> remembered = digest(1);
        digests.remember(file(1), remembered);

        assertSame(remembered, digests.find(file(1)).orElseThrow());
        assertSame(remembered, digests.find(file(1)).orElseThrow(), "a narinfo may be published twice");
    }

    @Test
    void aNewUploadOfTheSameNarReplacesItsDigest() {
        UploadedNarDigests digests = new UploadedNarDigests(null, 2);
        CompletionStage<NarDigest> older = digest(1);
        CompletionStage<NarDigest> newer = digest(2);
        digests.remember(file(1), older);

        digests.remember(file(1), newer);

        assertSame(newer, digests.find(file(1)).orElseThrow());
    }

    @Test
    void theSameHashUnderAnotherCompressionIsAnotherNar() {
        UploadedNarDigests digests = new UploadedNarDigests(null, 4);
        digests.remember(new NarFile(hash(1), Compression.ZSTD), digest(1));

        assertEquals(Optional.empty(), digests.find(new NarFile(hash(1), Compression.XZ)));
    }

    @Test
    void theDefaultCapacityHoldsManyUploads() {
        UploadedNarDigests digests = new UploadedNarDigests(null);
        for (int i = 0; i < UploadedNarDigests.DEFAULT_CAPACITY; i++) {
            digests.remember(file(i), digest(i));
        }
        assertTrue(digests.find(file(0)).isPresent());

        digests.remember(file(UploadedNarDigests.DEFAULT_CAPACITY), digest(0));

        assertEquals(Optional.empty(), digests.find(file(0)));
        assertTrue(digests.find(file(1)).isPresent());
    }

    private static NarFile file(int n) {
        return new NarFile(hash(n), Compression.ZSTD);
    }

    private static NixHash hash(int n) {
        byte[] bytes = new byte[NixHash.SIZE];
        Arrays.fill(bytes, (byte) n);
        bytes[0] = (byte) (n >> 8);
        bytes[1] = (byte) (n >> 16);
        return new NixHash(bytes);
    }

    private static CompletionStage<NarDigest> digest(int n) {
        return CompletableFuture.completedFuture(new NarDigest(hash(n), n));
    }
}
