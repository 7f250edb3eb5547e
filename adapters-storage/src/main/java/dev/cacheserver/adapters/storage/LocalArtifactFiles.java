package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.port.ArtifactFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@link ArtifactFiles} in a local directory: {@code <root>/build_log/<drv>}, {@code <root>/nar_listing/<hash>},
 * spool files in {@code <root>/spool} (same filesystem, so publishing is an atomic rename; emptied at open). Every
 * file operation runs on a worker thread.
 */
public final class LocalArtifactFiles implements ArtifactFiles {
    private final Vertx vertx;
    private final Path root;
    private final Path spool;

    private LocalArtifactFiles(Vertx vertx, Path root) {
        this.vertx = vertx;
        this.root = root;
        this.spool = root.resolve("spool");
    }

    /** Creates the directories if needed. */
    public static Future<LocalArtifactFiles> open(Vertx vertx, Path root) {
        Path dir = root.toAbsolutePath().normalize();
        return vertx.executeBlocking(() -> {
            Path spool = Files.createDirectories(dir.resolve("spool"));
            // Spool files left by a crash belong to no upload any more (one server per data directory).
            try (var leftovers = Files.list(spool)) {
                for (Path leftover : (Iterable<Path>) leftovers::iterator) {
                    Files.deleteIfExists(leftover);
                }
            }
            for (ArtifactKind kind : ArtifactKind.values()) {
                Files.createDirectories(dir.resolve(directory(kind)));
            }
            return new LocalArtifactFiles(vertx, dir);
        }, false).recover(e -> Future.failedFuture(StorageFailures.wrap("cannot open artifact directory " + dir, e)));
    }

    @Override
    public CompletionStage<Path> createSpoolFile() {
        return blocking("create a spool file in " + spool, () -> Files.createTempFile(spool, "artifact-", ".part"));
    }

    @Override
    public CompletionStage<Void> publish(Path spoolFile, ArtifactKind kind, String name) {
        Path target = file(kind, name);
        return blocking("publish " + target, () -> {
            Files.move(spoolFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> discard(Path spoolFile) {
        return blocking("delete " + spoolFile, () -> {
            Files.deleteIfExists(spoolFile);
            return null;
        });
    }

    @Override
    public CompletionStage<Optional<Path>> locate(ArtifactKind kind, String name) {
        Path target = file(kind, name);
        return blocking("stat " + target, () -> Files.isRegularFile(target) ? Optional.of(target) : Optional.empty());
    }

    @Override
    public CompletionStage<Void> delete(ArtifactKind kind, String name) {
        Path target = file(kind, name);
        return blocking("delete " + target, () -> {
            Files.deleteIfExists(target);
            return null;
        });
    }

    private Path file(ArtifactKind kind, String name) {
        // Callers validate names; this guard keeps a bug elsewhere from ever writing outside the directory.
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            throw new InvalidInputException("invalid artifact name");
        }
        return root.resolve(directory(kind)).resolve(name);
    }

    private static String directory(ArtifactKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private interface IoWork<T> {
        T run() throws IOException;
    }

    private <T> CompletionStage<T> blocking(String what, IoWork<T> work) {
        return vertx.executeBlocking(work::run, false)
                .recover(e -> Future.<T>failedFuture(StorageFailures.wrap("cannot " + what, e)))
                .toCompletionStage();
    }
}
