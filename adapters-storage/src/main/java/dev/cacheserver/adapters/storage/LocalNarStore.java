package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NarStore} in one local directory: NARs live flat as {@code <root>/<nar file name>}, uploads are
 * spooled in {@code <root>/.spool/} so that publishing is an atomic rename on the same filesystem. A spool
 * file is fsync'ed before it is renamed, and the directory after, so a published NAR survives a crash.
 *
 * <p>Threading: never blocks the caller. Metadata calls use {@code vertx.fileSystem()}; fsync, rename and
 * delete run with {@code vertx.executeBlocking} (unordered, so uploads do not queue behind each other).
 * Usage is counted once at {@link #open} and then tracked in memory. Files written into the directory by
 * anything other than this store are not counted until the next open.
 */
public final class LocalNarStore implements NarStore, SizedLocator {
    /** Where uploads are spooled, under the store's root. */
    public static final String SPOOL_DIRECTORY = ".spool";
    private static final Logger LOG = LoggerFactory.getLogger(LocalNarStore.class);
    // Same-name publish and delete must not interleave, or usage drifts; 64 stripes keep unrelated NARs apart.
    private static final int LOCK_STRIPES = 64;

    private final Vertx vertx;
    private final Path root;
    private final SpoolFiles spool;
    private final AtomicLong bytes;
    private final AtomicLong files;
    private final Object[] locks = new Object[LOCK_STRIPES];

    private LocalNarStore(Vertx vertx, Path root, StorageUsage initial) {
        this.vertx = vertx;
        this.root = root;
        this.spool = new SpoolFiles(vertx, root.resolve(SPOOL_DIRECTORY), "NAR store " + root);
        this.bytes = new AtomicLong(initial.bytes());
        this.files = new AtomicLong(initial.files());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Creates {@code root} and its spool directory if needed, deletes spool files left by a crash and counts
     * the stored NARs, all on a worker thread.
     */
    public static Future<LocalNarStore> open(Vertx vertx, Path root) {
        return open(vertx, root, java.time.Duration.ZERO);
    }

    /**
     * As {@link #open(Vertx, Path)}, for a root other processes may be writing to at the same time (a mount
     * shared by replicas): only spool files untouched for {@code leftoverAge} are a crash's leftovers; younger
     * ones may be another replica's uploads in progress.
     */
    public static Future<LocalNarStore> open(Vertx vertx, Path root, java.time.Duration leftoverAge) {
        Path dir = root.toAbsolutePath().normalize();
        return vertx.executeBlocking(() -> {
            Path spool = dir.resolve(SPOOL_DIRECTORY);
            Files.createDirectories(spool);
            int removed = removeLeftoverSpoolFiles(spool, System.currentTimeMillis() - leftoverAge.toMillis());
            StorageUsage usage = LocalNarListing.scan(dir);
            LOG.info("Opened NAR store {}: {} NAR files, {} bytes; removed {} leftover spool files",
                    dir, usage.files(), usage.bytes(), removed);
            return new LocalNarStore(vertx, dir, usage);
        }, false).recover(e -> Future.failedFuture(StorageFailures.wrap("cannot open NAR store " + dir, e)));
    }

    /** The directory the NARs live in. */
    public Path root() {
        return root;
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        return spool.create();
    }

    @Override
    public CompletionStage<Void> publish(Path spool, NarFile file) {
        Path target = root.resolve(file.fileName());
        return this.spool.withOwn(spool, source -> vertx.executeBlocking(() -> publishBlocking(source, target), false)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot publish " + target, e)))
                .<Void>mapEmpty()
                .toCompletionStage());
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        return this.spool.delete(spool);
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        // One stat and nothing else: this runs for every NAR download.
        Path path = root.resolve(file.fileName());
        return vertx.fileSystem().props(path.toString())
                .map(props -> props.isRegularFile()
                        ? Optional.<NarLocation>of(new NarLocation.LocalFile(path, props.size()))
                        : Optional.<NarLocation>empty())
                .recover(e -> StorageFailures.isNoSuchFile(e)
                        ? Future.succeededFuture(Optional.empty())
                        : Future.failedFuture(StorageFailures.wrap("cannot stat " + path, e)))
                .toCompletionStage();
    }

    /**
     * The group knows each NAR's size from its placement records, so a download needs no stat (no worker-thread
     * hop on the hot path); a file removed behind the server's back makes the send fail and the client retry.
     */
    @Override
    public NarLocation locationOf(NarFile file, long size) {
        return new NarLocation.LocalFile(root.resolve(file.fileName()), size);
    }

    @Override
    public CompletionStage<Boolean> delete(NarFile file) {
        Path target = root.resolve(file.fileName());
        return vertx.executeBlocking(() -> deleteBlocking(target), false)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot delete " + target, e)))
                .toCompletionStage();
    }

    @Override
    public CompletionStage<StorageUsage> usage() {
        return CompletableFuture.completedFuture(new StorageUsage(bytes.get(), files.get()));
    }

    /**
     * Reads the directory a page at a time on a worker thread ({@link LocalNarListing}), so neither the heap nor
     * a page's wait grows with the number of NARs. Files published or deleted during the walk may or may not be
     * seen.
     */
    @Override
    public CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return LocalNarListing.walk(vertx, root, pageSize, visitor);
    }

    private boolean publishBlocking(Path spool, Path target) throws IOException {
        long size;
        // Without this fsync a crash after the rename can leave the final name on an empty or partial file.
        try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.WRITE)) {
            channel.force(true);
            size = channel.size();
        }
        synchronized (lockFor(target)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // Same name means same file hash: the stored copy is as good as this one.
                Files.delete(spool);
                return false;
            }
            // rename(2) would silently replace a target; the exists check under the lock prevents that here.
            Files.move(spool, target, StandardCopyOption.ATOMIC_MOVE);
            bytes.addAndGet(size);
            files.incrementAndGet();
        }
        syncDirectory(root);
        return true;
    }

    private boolean deleteBlocking(Path target) throws IOException {
        synchronized (lockFor(target)) {
            long size;
            try {
                size = Files.size(target);
                Files.delete(target);
            } catch (NoSuchFileException e) {
                return false;
            }
            bytes.addAndGet(-size);
            files.decrementAndGet();
            return true;
        }
    }

    /** Only files this store handed out may be moved or deleted through it. */
    private Object lockFor(Path target) {
        return locks[Math.floorMod(target.getFileName().toString().hashCode(), LOCK_STRIPES)];
    }

    private static void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the rename is then as durable as it gets.
            LOG.debug("cannot open {} to fsync it: {}", dir, e.toString());
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }

    private static int removeLeftoverSpoolFiles(Path spool, long untouchedSinceMillis) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(spool)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis() <= untouchedSinceMillis
                        && Files.deleteIfExists(entry)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
