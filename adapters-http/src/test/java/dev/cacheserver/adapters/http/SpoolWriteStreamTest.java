package dev.cacheserver.adapters.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.port.SpoolProgress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upload body received into a spool file: the file, its digest and its length are those of the body, a
 * follower sees it grow, and a transfer that goes wrong stops everything. Every call to the stream runs on one
 * event-loop context, as in the request handlers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpoolWriteStreamTest {
    private static final int MIB = 1 << 20;
    private static final int BODY_SIZE = 5 * MIB + 123;
    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static Vertx vertx;

    @TempDir
    Path directory;
    Path spool;
    Context context;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void setUp() throws IOException {
        spool = Files.createTempFile(directory, "spool-", ".part");
        Files.write(spool, "stale bytes of an earlier upload".getBytes());
        context = vertx.getOrCreateContext();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-256", "MD5"})
    void theFileDigestAndCountAreThoseOfTheBody(String algorithm) throws Exception {
        byte[] body = randomBytes(BODY_SIZE, 1);
        SpoolWriteStream stream = open(algorithm, NO_LIMIT);
        CompletableFuture<byte[]> followed = follow(stream.progress());

        int pauses = on(() -> pump(stream, randomlySplit(body, 2)));

        assertArrayEquals(body, Files.readAllBytes(spool), "the spool holds the body, nothing stale");
        assertArrayEquals(MessageDigest.getInstance(algorithm).digest(body), on(() -> succeeded(stream.digest())));
        assertEquals(BODY_SIZE, (long) on(() -> succeeded(stream.count())));
        assertEquals(BODY_SIZE, stream.progress().written());
        assertEquals(BODY_SIZE, stream.progress().awaitBeyond(BODY_SIZE, 10), "finished at its length");
        assertArrayEquals(body, followed.get(10, TimeUnit.SECONDS), "a follower read the body as it grew");
        assertTrue(pauses > 0, "5 MiB without yielding fills the write queue at least once");
        assertFalse(isOpen(spool), "the file is closed once end() completed");
    }

    @Test
    void anEmptyBodyMakesAnEmptyFile() throws Exception {
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);

        on(stream::end);

        assertEquals(0, Files.size(spool));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(new byte[0]),
                on(() -> succeeded(stream.digest())));
        assertEquals(0, stream.progress().awaitBeyond(0, 10), "finished at 0");
        assertFalse(isOpen(spool));
    }

    @Test
    void aBodyOverTheLimitFailsTheWriteAndTheEnd() throws Exception {
        SpoolWriteStream stream = open("SHA-256", 1000);
        List<Throwable> reported = new ArrayList<>();
        on(() -> {
            stream.exceptionHandler(reported::add);
            return stream.write(Buffer.buffer(new byte[600]));
        });

        Throwable tooLarge = failureOn(() -> stream.write(Buffer.buffer(new byte[401])));

        assertInstanceOf(PayloadTooLargeException.class, tooLarge);
        assertTrue(tooLarge.getMessage().contains("1000"), tooLarge.getMessage());
        assertSame(tooLarge, failureOn(stream::end), "end() fails the same way");
        assertSame(tooLarge, failureOn(() -> stream.write(Buffer.buffer(new byte[1]))), "later writes too");
        assertEquals(List.of(tooLarge), on(() -> succeeded(List.copyOf(reported))), "the exception handler heard");
        assertThrows(SpoolProgress.Abandoned.class, () -> stream.progress().awaitBeyond(0, 5_000),
                "a follower stops");
    }

    @Test
    void exactlyTheLimitIsAccepted() throws Exception {
        byte[] body = randomBytes(1000, 3);
        SpoolWriteStream stream = open("SHA-256", 1000);

        on(() -> stream.write(Buffer.buffer(Arrays.copyOf(body, 999)))
                .compose(v -> stream.write(Buffer.buffer(Arrays.copyOfRange(body, 999, 1000))))
                .compose(v -> stream.end()));

        assertArrayEquals(body, Files.readAllBytes(spool));
    }

    @Test
    void theQueueIsFullPastItsBoundAndDrainsLater() throws Exception {
        byte[] body = randomBytes(SpoolWriteStream.MAX_QUEUED_BYTES + 1, 4);
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);
        AtomicInteger drains = new AtomicInteger();
        CompletableFuture<Boolean> drained = new CompletableFuture<>();

        // All in one event-loop task: no write completes in between, so everything written is still queued.
        List<Boolean> fullAfterWrites = on(() -> {
            List<Boolean> full = new ArrayList<>();
            stream.write(Buffer.buffer(Arrays.copyOf(body, SpoolWriteStream.MAX_QUEUED_BYTES - 1)));
            full.add(stream.writeQueueFull());
            stream.write(Buffer.buffer(Arrays.copyOfRange(body, SpoolWriteStream.MAX_QUEUED_BYTES - 1, body.length)));
            full.add(stream.writeQueueFull());
            stream.drainHandler(v -> {
                drains.incrementAndGet();
                drained.complete(Vertx.currentContext() == context && !stream.writeQueueFull());
            });
            full.add(drains.get() > 0);
            return Future.succeededFuture(full);
        });

        assertEquals(List.of(false, true, false), fullAfterWrites,
                "not full below the bound, full past it, and the drain handler is not called at once");
        assertTrue(drained.get(10, TimeUnit.SECONDS), "drained later, on the stream's context, with room again");
        on(stream::end);
        assertEquals(1, drains.get(), "called once");
        assertArrayEquals(body, Files.readAllBytes(spool));
    }

    @Test
    void aDrainHandlerSetWithRoomInTheQueueRunsSoon() throws Exception {
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);
        CompletableFuture<Context> drained = new CompletableFuture<>();

        on(() -> {
            stream.write(Buffer.buffer(new byte[10]));
            stream.drainHandler(v -> drained.complete(Vertx.currentContext()));
            return Future.succeededFuture();
        });

        assertSame(context, drained.get(10, TimeUnit.SECONDS));
    }

    @Test
    void abandoningStopsAFollowerAndClosesTheFile() throws Exception {
        byte[] body = randomBytes(3 * MIB + 17, 5);
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);
        // Two full chunks are written by now; the rest is still arriving.
        on(() -> stream.write(Buffer.buffer(Arrays.copyOf(body, 2 * MIB + 5))));
        waitUntilWritten(stream.progress(), 2 * MIB);
        CompletableFuture<Long> follower = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                long position = 0;
                while (true) {
                    long available = stream.progress().awaitBeyond(position, 20_000);
                    if (available == position) {
                        follower.complete(position);
                        return;
                    }
                    position = available;
                }
            } catch (Throwable e) {
                follower.completeExceptionally(e);
            }
        }, "spool-follower");
        reader.setDaemon(true);
        reader.start();
        assertThrows(TimeoutException.class, () -> follower.get(300, TimeUnit.MILLISECONDS),
                "the follower waits for the rest");

        on(stream::abandon);

        ExecutionException stopped = assertThrows(ExecutionException.class, () -> follower.get(5, TimeUnit.SECONDS));
        assertInstanceOf(SpoolProgress.Abandoned.class, stopped.getCause());
        assertFalse(isOpen(spool), "the file is closed when abandon() completes");
        assertInstanceOf(IOException.class, failureOn(stream::end), "the stream cannot be ended any more");
        assertInstanceOf(IOException.class, failureOn(() -> stream.write(Buffer.buffer(new byte[1]))));
    }

    @Test
    void abandoningWhileAWriteRunsClosesTheFileAfterIt() throws Exception {
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);

        // The same event-loop task queues two chunks for the worker and abandons at once.
        on(() -> {
            stream.write(Buffer.buffer(randomBytes(2 * MIB, 6)));
            return stream.abandon();
        });

        assertFalse(isOpen(spool));
        assertThrows(SpoolProgress.Abandoned.class, () -> stream.progress().awaitBeyond(0, 5_000));
    }

    @Test
    void abandoningAfterTheEndChangesNothing() throws Exception {
        byte[] body = randomBytes(MIB + 1, 7);
        SpoolWriteStream stream = open("SHA-256", NO_LIMIT);
        on(() -> pump(stream, randomlySplit(body, 8)));

        on(stream::abandon);

        assertArrayEquals(body, Files.readAllBytes(spool));
        assertEquals(body.length, stream.progress().awaitBeyond(body.length, 10), "still finished, not abandoned");
    }

    // --- helpers

    private SpoolWriteStream open(String algorithm, long maxBytes) throws Exception {
        return on(() -> SpoolWriteStream.open(context, spool, algorithm, maxBytes));
    }

    /**
     * Writes the buffers as a pipe would: on until the queue is full, then on again from the drain handler;
     * ends the stream after the last. Returns how many times it had to wait for a drain.
     */
    private static Future<Integer> pump(SpoolWriteStream stream, List<Buffer> buffers) {
        Promise<Integer> done = Promise.promise();
        new Object() {
            int next;
            int pauses;

            void run() {
                while (next < buffers.size()) {
                    Future<Void> written = stream.write(buffers.get(next++));
                    if (written.failed()) {
                        done.fail(written.cause());
                        return;
                    }
                    if (stream.writeQueueFull()) {
                        pauses++;
                        stream.drainHandler(v -> run());
                        return;
                    }
                }
                stream.end().onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(pauses);
                    } else {
                        done.fail(ar.cause());
                    }
                });
            }
        }.run();
        return done.future();
    }

    /** Runs {@code action} on the stream's context and waits for the future it returns. */
    private <T> T on(Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = run(action);
        try {
            return result.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private Throwable failureOn(Supplier<Future<?>> action) throws Exception {
        CompletableFuture<?> result = run(action::get);
        try {
            result.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private <T> CompletableFuture<T> run(Supplier<Future<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                action.get().onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static <T> Future<T> succeeded(T value) {
        return Future.succeededFuture(value);
    }

    /** Reads the spool as it grows, never past what the progress reports, until it is finished. */
    private CompletableFuture<byte[]> follow(SpoolProgress progress) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            // Completed once the file is closed again: the test then checks that nothing holds it open.
            try (RandomAccessFile file = new RandomAccessFile(progress.path().toFile(), "r")) {
                long position = 0;
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    long available = progress.awaitBeyond(position, 20_000);
                    if (available == position) {
                        break;
                    }
                    while (position < available) {
                        int n = file.read(buffer, 0, (int) Math.min(buffer.length, available - position));
                        if (n < 0) {
                            throw new IOException("reported " + available + " bytes but the file ends at " + position);
                        }
                        read.write(buffer, 0, n);
                        position += n;
                    }
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return;
            }
            result.complete(read.toByteArray());
        }, "spool-follower");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static void waitUntilWritten(SpoolProgress progress, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (progress.written() < bytes) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + progress.written() + " of " + bytes + " bytes were written");
            }
            Thread.sleep(5);
        }
    }

    /** Splits into random sizes: tiny ones, network-sized ones and some over a mebibyte. */
    private static List<Buffer> randomlySplit(byte[] body, long seed) {
        Random random = new Random(seed);
        List<Buffer> buffers = new ArrayList<>();
        for (int at = 0; at < body.length; ) {
            int size = switch (random.nextInt(4)) {
                case 0 -> 1 + random.nextInt(16);
                case 1 -> 1 + random.nextInt(64 * 1024);
                case 2 -> MIB + random.nextInt(MIB);
                default -> 1 + random.nextInt(300 * 1024);
            };
            int end = Math.min(body.length, at + size);
            buffers.add(Buffer.buffer(Arrays.copyOfRange(body, at, end)));
            at = end;
        }
        return buffers;
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Whether this process holds {@code file} open (Linux: a link in /proc/self/fd points at it). */
    private static boolean isOpen(Path file) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return false;
        }
        Path target = file.toRealPath();
        try (var links = Files.list(fds)) {
            return links.anyMatch(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        }
    }
}
