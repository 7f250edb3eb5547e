package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import dev.cacheserver.domain.port.NarStore.StoredNar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Lists the NAR files of a local store's directory: counted whole at open, or walked a page at a time. */
final class LocalNarListing {
    private LocalNarListing() {
    }

    /**
     * Reads the directory through one open directory stream, a page at a time on a worker thread, so neither the
     * heap nor a page's wait grows with the number of NARs. Files published or deleted during the walk may or may
     * not be seen.
     */
    static CompletionStage<Void> walk(Vertx vertx, Path root, int pageSize,
                                      Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return vertx.executeBlocking(() -> Files.newDirectoryStream(root), false)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot list " + root, e)))
                .toCompletionStage()
                .thenCompose(stream -> nextPage(vertx, root, stream.iterator(), pageSize, visitor)
                        .whenComplete((v, e) -> vertx.executeBlocking(() -> {
                            stream.close();
                            return null;
                        }, false)));
    }

    private static CompletionStage<Void> nextPage(Vertx vertx, Path root, Iterator<Path> entries, int pageSize,
                                           Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return vertx.executeBlocking(() -> readPage(entries, pageSize), false)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot list " + root, e)))
                .toCompletionStage()
                .thenCompose(page -> page.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
                        : visitor.apply(page).thenCompose(v -> nextPage(vertx, root, entries, pageSize, visitor)));
    }

    private static List<StoredNar> readPage(Iterator<Path> entries, int pageSize) throws IOException {
        List<StoredNar> page = new ArrayList<>(Math.min(pageSize, 1024));
        try {
            while (page.size() < pageSize && entries.hasNext()) {
                Path entry = entries.next();
                String name = entry.getFileName().toString();
                if (!isNarFileName(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile()) {
                        page.add(new StoredNar(NarFile.parseFileName(name), attributes.size(),
                                attributes.lastModifiedTime().toInstant()));
                    }
                } catch (NoSuchFileException e) {
                    // Deleted since the directory was read: not held any more.
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return page;
    }

    /** Blocking: the bytes and count of the NAR files in {@code dir}. */
    static StorageUsage scan(Path dir) throws IOException {
        long bytes = 0;
        long count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (isNarFileName(entry.getFileName().toString()) && Files.isRegularFile(entry)) {
                    bytes += Files.size(entry);
                    count++;
                }
            }
        }
        return new StorageUsage(bytes, count);
    }

    private static boolean isNarFileName(String name) {
        try {
            NarFile.parseFileName(name);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
