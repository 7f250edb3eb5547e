package dev.cacheserver.adapters.http;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One NAR being pulled from an upstream into its spool file, as the requests that follow the first one see it: the
 * spool's path once it is open, how many bytes from its start are on disk (writes may complete out of order; only
 * the unbroken prefix counts), a signal each time that prefix grows, and the end (published here, or failed, spool
 * gone). Thread-safe: the download writes on one event loop, followers read on theirs.
 */
final class SpoolingDownload {
    private final CompletableFuture<Path> spool = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** End offsets of writes issued and not yet all completed, in issue order; a completed one is negated. */
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private long issued;
    private volatile long written;
    private final AtomicReference<CompletableFuture<Void>> moved = new AtomicReference<>(new CompletableFuture<>());

    /** Completes with the spool's path once the download writes to it; fails if it ends before. */
    CompletableFuture<Path> spool() {
        return spool;
    }

    /** Completes once the NAR is stored and published here; fails if the download failed. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Bytes from the spool's start that are on disk. */
    long written() {
        return written;
    }

    /** Completes at the next growth of {@link #written} or at the end; take it before reading {@link #written}. */
    CompletableFuture<Void> progress() {
        return moved.get();
    }

    void spoolOpened(Path path) {
        spool.complete(path);
    }

    /** A write of {@code length} bytes is issued after every earlier one; returns its token for {@link #completed}. */
    synchronized long[] issue(int length) {
        issued += length;
        long[] write = {issued};
        pending.addLast(write);
        return write;
    }

    /** The write {@code token} is on disk; the prefix grows past every completed write at its start. */
    void completed(long[] token) {
        boolean grew = false;
        synchronized (this) {
            token[0] = -token[0];
            while (!pending.isEmpty() && pending.peekFirst()[0] < 0) {
                written = -pending.pollFirst()[0];
                grew = true;
            }
        }
        if (grew) {
            signal();
        }
    }

    /** The download ended: published (null) or failed. */
    void finished(Throwable failure) {
        if (failure == null) {
            done.complete(null);
            spool.completeExceptionally(new IllegalStateException("the download ended before its spool opened"));
        } else {
            done.completeExceptionally(failure);
            spool.completeExceptionally(failure);
        }
        signal();
    }

    /** Wakes whoever waits on the current {@link #progress}; each replaced future is completed by its replacer. */
    private void signal() {
        moved.getAndSet(new CompletableFuture<>()).complete(null);
    }
}
