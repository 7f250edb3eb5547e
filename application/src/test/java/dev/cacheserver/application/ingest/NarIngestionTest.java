package dev.cacheserver.application.ingest;

import static dev.cacheserver.application.ingest.IngestFixture.COMPRESSED;
import static dev.cacheserver.application.ingest.IngestFixture.FILE;
import static dev.cacheserver.application.ingest.IngestFixture.NAR;
import static dev.cacheserver.application.ingest.IngestFixture.await;
import static dev.cacheserver.application.ingest.IngestFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one NAR ingest sequence on the in-memory ports: a right NAR is stored and its narinfo published; every failed
 * check or transfer leaves nothing behind (no spool, no NAR, no narinfo) and reports what went wrong.
 */
class NarIngestionTest {
    @TempDir
    Path dir;
    IngestFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new IngestFixture(dir);
    }

    @Test
    void aRightNarIsStoredAndItsNarInfoPublished() throws Exception {
        NarInfo published = await(ingest(IngestFixture.info(), right()));

        assertTrue(published.signatureBy(IngestFixture.KEY.publicKey()).isPresent(), "signed by the cache");
        assertEquals(List.of(FILE), List.copyOf(fixture.store.store.publishedFiles()));
        assertEquals(0, fixture.store.store.openSpoolFiles(), "the spool became the NAR");
        assertTrue(await(fixture.repository.find(IngestFixture.MAIN, published.storePath().hash())).isPresent());
    }

    @Test
    void aWrongFileHashIsRefusedAndLeavesNothing() throws Exception {
        Throwable failure = failure(ingest(IngestFixture.info(),
                CompletableFuture.completedFuture(new SpooledBytes(sha256(NAR), COMPRESSED.length))));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().startsWith("FileHash mismatch"), failure.getMessage());
        assertTrue(fixture.nothingLeft());
        assertFalse(fixture.store.calls.contains("publish"), fixture.store.calls.toString());
    }

    @Test
    void aWrongFileSizeIsRefusedAndLeavesNothing() throws Exception {
        Throwable failure = failure(ingest(IngestFixture.info(),
                CompletableFuture.completedFuture(new SpooledBytes(FILE.fileHash(), COMPRESSED.length + 1))));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().startsWith("FileSize mismatch"), failure.getMessage());
        assertTrue(fixture.nothingLeft());
    }

    @Test
    void aWrongNarHashIsRefusedAndLeavesNothing() throws Exception {
        NarInfo lie = withNar(IngestFixture.info(), sha256(COMPRESSED), NAR.length);

        Throwable failure = failure(ingest(lie, right()));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().contains("NarHash"), failure.getMessage());
        assertTrue(fixture.nothingLeft(), "the NAR this ingest brought is deleted again");
    }

    @Test
    void aWrongNarSizeIsRefusedAndLeavesNothing() throws Exception {
        NarInfo lie = withNar(IngestFixture.info(), sha256(NAR), NAR.length + 1);

        Throwable failure = failure(ingest(lie, right()));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(failure.getMessage().contains("NarSize"), failure.getMessage());
        assertTrue(fixture.nothingLeft());
    }

    @Test
    void aTruncatedTransferReportsItsCauseAndLeavesNothing() throws Exception {
        IOException closed = new IOException("the connection closed after 12 bytes");

        Throwable failure = failure(ingest(IngestFixture.info(), CompletableFuture.failedFuture(closed)));

        assertSame(closed, failure);
        assertTrue(fixture.nothingLeft());
        assertFalse(fixture.store.calls.contains("publish"));
    }

    @Test
    void aFullStorageIsReportedByNameAndLeavesNothing() throws Exception {
        fixture.store.full = true;

        Throwable failure = failure(ingest(IngestFixture.info(),
                CompletableFuture.failedFuture(new IOException("No space left on device"))));

        assertInstanceOf(StorageFullException.class, failure);
        assertTrue(failure.getMessage().contains("disk-1"), failure.getMessage());
        assertTrue(fixture.nothingLeft());
    }

    @Test
    void aNarTheCacheHeldBeforeStaysWhenTheNarInfoIsRefused() throws Exception {
        Path earlier = await(fixture.store.store.createSpoolFile());
        Files.write(earlier, COMPRESSED);
        await(fixture.store.store.publish(earlier, FILE));

        Throwable failure = failure(ingest(withNar(IngestFixture.info(), sha256(COMPRESSED), NAR.length), right()));

        assertInstanceOf(HashMismatchException.class, failure);
        assertTrue(fixture.store.store.publishedFiles().contains(FILE), "another upload's NAR is not deleted");
        assertEquals(0, fixture.store.store.openSpoolFiles());
    }

    /** Opens a spool for {@code info}'s NAR, writes the compressed bytes into it and ingests what was reported. */
    private CompletionStage<NarInfo> ingest(NarInfo info, CompletionStage<SpooledBytes> reported) throws Exception {
        NarIngestion ingestion = fixture.ingestion();
        NarSpool spool = await(ingestion.open(NarClaim.of(info, NarOrigin.UPSTREAM), false));
        Files.write(spool.path(), COMPRESSED);
        return ingestion.ingest(spool, reported, () -> fixture.narInfos.publishing().publish(info));
    }

    private static CompletionStage<SpooledBytes> right() {
        return CompletableFuture.completedFuture(new SpooledBytes(FILE.fileHash(), COMPRESSED.length));
    }

    private static NarInfo withNar(NarInfo info, dev.cacheserver.domain.model.NixHash narHash, long narSize) {
        return new NarInfo(info.storePath(), info.narFile(), info.fileSize(), narHash, narSize, info.references(),
                info.deriver(), info.system(), info.signatures(), info.ca());
    }

    private static Throwable failure(CompletionStage<?> stage) {
        return assertThrows(ExecutionException.class, () -> await(stage)).getCause();
    }
}
