package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NarStore} for unit tests of other modules: plain Java, no Vert.x. Spool and published files are
 * real files in the directory given to the constructor (usually a JUnit {@code @TempDir}), so callers can
 * write uploads and read NARs as they would with the local store; which NARs are published is held in a
 * map. Thread-safe; every stage is already complete when returned, failures as failed stages.
 */
public final class InMemoryNarStore implements NarStore {
    private static final String SPOOL_PREFIX = "spool-";
    private static final String PUBLISHED_PREFIX = "nar-";

    private final Path directory;
    private final Map<NarFile, Path> published = new ConcurrentHashMap<>();

    public InMemoryNarStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        try {
            return CompletableFuture.completedFuture(Files.createTempFile(directory, SPOOL_PREFIX, ".part"));
        } catch (IOException e) {
            return failed("cannot create spool file", e);
        }
    }

    @Override
    public synchronized CompletionStage<Void> publish(Path spool, NarFile file) {
        try {
            Path source = ownSpoolFile(spool);
            if (published.containsKey(file)) {
                Files.delete(source);
            } else {
                Path target = directory.resolve(PUBLISHED_PREFIX + file.fileName());
                Files.move(source, target);
                published.put(file, target);
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException | StorageException e) {
            return failed("cannot publish " + file.fileName(), e);
        }
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        try {
            Files.deleteIfExists(ownSpoolFile(spool));
            return CompletableFuture.completedFuture(null);
        } catch (IOException | StorageException e) {
            return failed("cannot discard " + spool, e);
        }
    }

    @Override
    public CompletionStage<Optional<NarLocation>> locate(NarFile file) {
        Path path = published.get(file);
        if (path == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        try {
            return CompletableFuture.completedFuture(Optional.of(new NarLocation.LocalFile(path, Files.size(path))));
        } catch (NoSuchFileException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        } catch (IOException e) {
            return failed("cannot stat " + path, e);
        }
    }

    @Override
    public synchronized CompletionStage<Boolean> delete(NarFile file) {
        Path path = published.remove(file);
        if (path == null) {
            return CompletableFuture.completedFuture(false);
        }
        try {
            Files.deleteIfExists(path);
            return CompletableFuture.completedFuture(true);
        } catch (IOException e) {
            return failed("cannot delete " + path, e);
        }
    }

    @Override
    public CompletionStage<StorageUsage> usage() {
        long bytes = 0;
        for (Path path : published.values()) {
            try {
                bytes += Files.size(path);
            } catch (IOException e) {
                return failed("cannot stat " + path, e);
            }
        }
        return CompletableFuture.completedFuture(new StorageUsage(bytes, published.size()));
    }

    /** Pages by file name from a fresh view each time, so NARs published or deleted meanwhile do not upset it. */
    @Override
    public CompletionStage<Void> walk(int pageSize,
                                      java.util.function.Function<java.util.List<StoredNar>, CompletionStage<Void>> visitor) {
        return walkAfter(null, pageSize, visitor);
    }

    private CompletionStage<Void> walkAfter(String after, int pageSize,
                                            java.util.function.Function<java.util.List<StoredNar>, CompletionStage<Void>> visitor) {
        java.util.TreeMap<String, NarFile> names = new java.util.TreeMap<>();
        published.keySet().forEach(f -> names.put(f.fileName(), f));
        java.util.List<StoredNar> page = new java.util.ArrayList<>();
        for (NarFile file : (after == null ? names : names.tailMap(after, false)).values()) {
            if (page.size() == pageSize) {
                break;
            }
            Path path = published.get(file);
            if (path == null) {
                continue;
            }
            try {
                page.add(new StoredNar(file, Files.size(path), Files.getLastModifiedTime(path).toInstant()));
            } catch (IOException e) {
                return failed("cannot stat " + path, e);
            }
        }
        if (page.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String last = page.get(page.size() - 1).file().fileName();
        return visitor.apply(java.util.List.copyOf(page)).thenCompose(v -> walkAfter(last, pageSize, visitor));
    }

    /** The NARs published so far, for assertions. */
    public Set<NarFile> publishedFiles() {
        return Set.copyOf(published.keySet());
    }

    /** Spool files neither published nor discarded yet; a finished upload should leave none. */
    public long openSpoolFiles() {
        long count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, SPOOL_PREFIX + "*")) {
            for (Path ignored : entries) {
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    private Path ownSpoolFile(Path spool) {
        Path path = spool.toAbsolutePath().normalize();
        if (!directory.equals(path.getParent()) || !path.getFileName().toString().startsWith(SPOOL_PREFIX)) {
            throw new StorageException("not a spool file of this store: " + spool);
        }
        return path;
    }

    private static <T> CompletionStage<T> failed(String what, Exception e) {
        StorageException failure = e instanceof StorageException se ? se : new StorageException(what + ": " + e, e);
        return CompletableFuture.failedFuture(failure);
    }
}
