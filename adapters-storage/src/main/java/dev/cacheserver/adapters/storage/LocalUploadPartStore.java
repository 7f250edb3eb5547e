package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.SpoolProgress;
import dev.cacheserver.domain.port.UploadPartStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@link UploadPartStore} in a local directory: part {@code n} of upload {@code id} is {@code <root>/<id>/<n>.part},
 * incoming parts are spooled beside it as {@code .spool-*} and renamed into place, so a half-received part never
 * replaces a complete one. Every file operation runs on a worker thread (unordered, so uploads do not queue
 * behind each other); assembling reads and writes 1 MiB at a time.
 */
public final class LocalUploadPartStore implements UploadPartStore {
    private static final int BUFFER = 256 * 1024;
    private static final String SPOOL_PREFIX = ".spool-";
    private final Vertx vertx;
    private final Path root;

    public LocalUploadPartStore(Vertx vertx, Path root) {
        this.vertx = vertx;
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Deletes the half-received parts a crash left behind ({@code <id>/.spool-*}; kept parts stay, so uploads in
     * progress resume). For the start, before any upload can write; blocks the caller. Returns how many went.
     */
    public int deleteLeftoverSpools() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> spools;
        try (Stream<Path> files = Files.walk(root, 2)) {
            spools = files.filter(f -> f.getFileName().toString().startsWith(SPOOL_PREFIX)).toList();
        }
        for (Path spool : spools) {
            Files.deleteIfExists(spool);
        }
        return spools.size();
    }

    @Override
    public CompletionStage<Path> createPartSpool(UUID narId) {
        Path dir = directory(narId);
        return blocking("create a part spool for " + narId, () -> {
            Files.createDirectories(dir);
            return Files.createTempFile(dir, SPOOL_PREFIX, ".part");
        });
    }

    @Override
    public CompletionStage<Void> keepPart(UUID narId, int partNumber, Path spool) {
        Path target = directory(narId).resolve(partNumber + ".part");
        return blocking("keep part " + partNumber + " of " + narId, () -> {
            requireOwnSpool(narId, spool);
            Files.move(spool, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        return blocking("discard " + spool.getFileName(), () -> {
            Path normalized = spool.toAbsolutePath().normalize();
            if (normalized.startsWith(root) && normalized.getFileName().toString().startsWith(SPOOL_PREFIX)) {
                Files.deleteIfExists(normalized);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Assembled> assemble(UUID narId, List<Integer> partNumbers, SpoolProgress progress) {
        Path dir = directory(narId);
        Path target = progress.path();
        CompletionStage<Assembled> assembled = blocking("assemble upload " + narId, () -> {
            for (int n : partNumbers) {
                if (!Files.isRegularFile(dir.resolve(n + ".part"))) {
                    throw new InvalidInputException("part " + n + " was not uploaded");
                }
            }
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // Heap buffer and plain streams: no direct memory, which the network needs and which is small.
            byte[] buffer = new byte[BUFFER];
            long size = 0;
            try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
                out.setLength(0);
                for (int n : partNumbers) {
                    try (FileInputStream in = new FileInputStream(dir.resolve(n + ".part").toFile())) {
                        for (int read; (read = in.read(buffer)) > 0; ) {
                            sha256.update(buffer, 0, read);
                            out.write(buffer, 0, read);
                            size += read;
                            progress.advance(size);
                        }
                    } catch (FileNotFoundException e) {
                        throw new InvalidInputException("part " + n + " was not uploaded");
                    }
                }
            }
            return new Assembled(NixHash.of(sha256), size);
        });
        return progress.settleWhen(assembled);
    }

    @Override
    public CompletionStage<Void> deleteUpload(UUID narId) {
        Path dir = directory(narId);
        return blocking("delete upload " + narId, () -> {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return null;
        });
    }

    @Override
    public CompletionStage<List<UUID>> uploads() {
        return blocking("list uploads", () -> {
            List<UUID> ids = new ArrayList<>();
            if (!Files.isDirectory(root)) {
                return ids;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path dir : dirs) {
                    try {
                        ids.add(UUID.fromString(dir.getFileName().toString()));
                    } catch (IllegalArgumentException notOurs) {
                        // Foreign files in the uploads directory are left alone.
                    }
                }
            }
            return ids;
        });
    }

    private Path directory(UUID narId) {
        // A UUID's canonical form has only hex digits and dashes: safe as a directory name.
        return root.resolve(narId.toString());
    }

    private void requireOwnSpool(UUID narId, Path spool) throws IOException {
        Path normalized = spool.toAbsolutePath().normalize();
        if (!directory(narId).equals(normalized.getParent())
                || !normalized.getFileName().toString().startsWith(SPOOL_PREFIX)) {
            throw new IOException("not a spool file of upload " + narId + ": " + spool);
        }
    }

    private <T> CompletionStage<T> blocking(String what, Callable<T> work) {
        return vertx.executeBlocking(work, false)
                .recover(e -> Future.failedFuture(StorageFailures.wrap("cannot " + what, e)))
                .toCompletionStage();
    }
}
