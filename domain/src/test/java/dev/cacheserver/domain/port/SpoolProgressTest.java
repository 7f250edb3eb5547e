package dev.cacheserver.domain.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A reader following a growing spool file: woken by each step, stopped by the end, an abandon or a stall. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SpoolProgressTest {
    private static final Path SPOOL = Path.of("/tmp/spool-test.part");
    // Long enough that a reader only wakes up because the writer did something.
    private static final long PATIENT_MILLIS = 30_000;

    private final SpoolProgress progress = new SpoolProgress(SPOOL);

    @Test
    void aBlockedReaderIsWokenByTheNextWrittenStep() throws Exception {
        progress.advance(100);
        CompletableFuture<Long> reader = awaitingBeyond(100, PATIENT_MILLIS);
        assertStillBlocked(reader);

        progress.advance(250);

        assertEquals(250, reader.get(5, TimeUnit.SECONDS));
    }

    @Test
    void bytesAlreadyWrittenAreReturnedWithoutWaiting() throws Exception {
        progress.advance(4096);

        assertEquals(4096, progress.awaitBeyond(0, 1));
        assertEquals(4096, progress.awaitBeyond(4095, 1));
    }

    @Test
    void aFinishedFileEndsAtItsLengthForABlockedReader() throws Exception {
        progress.advance(1000);
        CompletableFuture<Long> reader = awaitingBeyond(1000, PATIENT_MILLIS);
        assertStillBlocked(reader);

        progress.finish();

        assertEquals(1000, reader.get(5, TimeUnit.SECONDS), "position returned: the end of the file");
        assertEquals(1000, progress.awaitBeyond(1000, 1), "later readers see the end at once");
    }

    @Test
    void anEmptyFinishedFileEndsAtZero() throws Exception {
        progress.finish();

        assertEquals(0, progress.awaitBeyond(0, 1));
    }

    @Test
    void abandonStopsABlockedReader() throws Exception {
        progress.advance(10);
        CompletableFuture<Long> reader = awaitingBeyond(10, PATIENT_MILLIS);
        assertStillBlocked(reader);

        progress.abandon();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> reader.get(5, TimeUnit.SECONDS));
        assertInstanceOf(SpoolProgress.Abandoned.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("abandoned"), failure.getCause().getMessage());
    }

    @Test
    void anAbandonedFileFailsEvenWhereBytesWereWritten() {
        progress.advance(500);
        progress.abandon();

        assertThrows(SpoolProgress.Abandoned.class, () -> progress.awaitBeyond(0, PATIENT_MILLIS));
    }

    @Test
    void aStalledWriterFailsTheReaderAfterTheTimeout() {
        progress.advance(64);
        long start = System.nanoTime();

        SpoolProgress.Abandoned stalled = assertThrows(SpoolProgress.Abandoned.class,
                () -> progress.awaitBeyond(64, 200));

        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 150, "waited " + waitedMillis + " ms, not the timeout");
        assertTrue(stalled.getMessage().contains("nothing was written"), stalled.getMessage());
        assertTrue(stalled.getMessage().contains(SPOOL.toString()), stalled.getMessage());
    }

    @Test
    void writtenNeverGoesBackwards() throws Exception {
        progress.advance(300);
        progress.advance(200);
        progress.advance(300);

        assertEquals(300, progress.written());
        CompletableFuture<Long> reader = awaitingBeyond(300, PATIENT_MILLIS);
        progress.advance(299);
        assertStillBlocked(reader);

        progress.advance(301);
        assertEquals(301, reader.get(5, TimeUnit.SECONDS));
    }

    @Test
    void keepsThePathItFollows() {
        assertEquals(SPOOL, progress.path());
        assertThrows(NullPointerException.class, () -> new SpoolProgress(null));
    }

    // --- helpers

    private CompletableFuture<Long> awaitingBeyond(long position, long timeoutMillis) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                result.complete(progress.awaitBeyond(position, timeoutMillis));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "spool-reader");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static void assertStillBlocked(CompletableFuture<Long> reader) throws Exception {
        try {
            Long early = reader.get(200, TimeUnit.MILLISECONDS);
            throw new AssertionError("the reader returned " + early + " before anything changed");
        } catch (TimeoutException expected) {
            assertFalse(reader.isDone());
        }
    }

    @Test
    void settleWhenFinishesOnSuccessAndAbandonsOnFailure() throws Exception {
        CompletableFuture<String> writing = new CompletableFuture<>();
        assertTrue(progress.settleWhen(writing) == writing);
        progress.advance(7);
        writing.complete("written");
        assertEquals(7, progress.awaitBeyond(7, 10), "finished at 7: the end of the file");

        SpoolProgress failed = new SpoolProgress(SPOOL);
        CompletableFuture<String> broken = new CompletableFuture<>();
        failed.settleWhen(broken);
        broken.completeExceptionally(new IllegalStateException("disk full"));
        assertThrows(SpoolProgress.Abandoned.class, () -> failed.awaitBeyond(0, 10));
    }
}
