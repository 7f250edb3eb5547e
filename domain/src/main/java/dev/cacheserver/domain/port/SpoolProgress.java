package dev.cacheserver.domain.port;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * How much of a spool file that is still being written may be read: the writer reports each written step, then
 * the end, or abandons the file; a reader blocks until the bytes it wants are there. It lets a NAR's content be
 * digested while the NAR is received instead of after. Thread-safe.
 */
public final class SpoolProgress {
    private final Path path;
    private long written;
    private boolean finished;
    private boolean abandoned;

    public SpoolProgress(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public Path path() {
        return path;
    }

    /** The first {@code total} bytes of the file are written (totals only grow). */
    public synchronized void advance(long total) {
        if (total > written) {
            written = total;
            notifyAll();
        }
    }

    /** Everything is written: {@link #written()} is the file's final length. */
    public synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The upload failed: readers stop with {@link Abandoned}. */
    public synchronized void abandon() {
        abandoned = true;
        notifyAll();
    }

    /** Finishes the file when {@code writing} succeeds and abandons it when it fails; returns {@code writing}. */
    public <T> CompletionStage<T> settleWhen(CompletionStage<T> writing) {
        writing.whenComplete((done, error) -> {
            if (error == null) {
                finish();
            } else {
                abandon();
            }
        });
        return writing;
    }

    public synchronized long written() {
        return written;
    }

    /**
     * Blocks until more than {@code position} bytes are written, or the file is finished, or it is abandoned.
     *
     * @return how many bytes are written now; equal to {@code position} only when the file is finished there
     * @throws Abandoned when the writer gave up, or nothing was written for {@code timeoutMillis}
     */
    public synchronized long awaitBeyond(long position, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (written <= position && !finished && !abandoned) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMillis <= 0) {
                throw new Abandoned("nothing was written to " + path + " for " + timeoutMillis + " ms");
            }
            wait(leftMillis);
        }
        if (abandoned) {
            throw new Abandoned("the upload into " + path + " was abandoned");
        }
        return written;
    }

    /** The file will not be completed. */
    public static final class Abandoned extends RuntimeException {
        public Abandoned(String message) {
            super(message);
        }
    }
}
