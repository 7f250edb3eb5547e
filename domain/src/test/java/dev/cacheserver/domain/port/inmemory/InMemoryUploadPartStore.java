package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.port.SpoolProgress;
import dev.cacheserver.domain.port.UploadPartStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link UploadPartStore} for unit tests: kept parts are held in memory (tests use small parts); spool
 * files are real temporary files because callers write into them. Stages complete immediately.
 */
public final class InMemoryUploadPartStore implements UploadPartStore {
    private final Path spoolDirectory;
    private final Map<UUID, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();

    public InMemoryUploadPartStore(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }

    @Override
    public CompletionStage<Path> createPartSpool(UUID narId) {
        try {
            Files.createDirectories(spoolDirectory);
            return CompletableFuture.completedFuture(Files.createTempFile(spoolDirectory, narId + "-", ".part"));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new StorageException("cannot create spool", e));
        }
    }

    @Override
    public CompletionStage<Void> keepPart(UUID narId, int partNumber, Path spool) {
        try {
            byte[] bytes = Files.readAllBytes(spool);
            Files.delete(spool);
            parts.computeIfAbsent(narId, id -> new ConcurrentHashMap<>()).put(partNumber, bytes);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new StorageException("cannot keep part", e));
        }
    }

    @Override
    public CompletionStage<Void> discard(Path spool) {
        try {
            Files.deleteIfExists(spool);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new StorageException("cannot discard", e));
        }
    }

    @Override
    public CompletionStage<Assembled> assemble(UUID narId, List<Integer> partNumbers, SpoolProgress progress) {
        CompletionStage<Assembled> assembled = assembleInto(narId, partNumbers, progress);
        return progress.settleWhen(assembled);
    }

    private CompletionStage<Assembled> assembleInto(UUID narId, List<Integer> partNumbers, SpoolProgress progress) {
        Path target = progress.path();
        Map<Integer, byte[]> own = parts.getOrDefault(narId, Map.of());
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            List<byte[]> ordered = new ArrayList<>();
            for (int n : partNumbers) {
                byte[] part = own.get(n);
                if (part == null) {
                    return CompletableFuture.failedFuture(new InvalidInputException("part " + n + " was not uploaded"));
                }
                ordered.add(part);
            }
            long size = 0;
            Files.write(target, new byte[0]);
            for (byte[] part : ordered) {
                sha256.update(part);
                Files.write(target, part, java.nio.file.StandardOpenOption.APPEND);
                size += part.length;
                progress.advance(size);
            }
            return CompletableFuture.completedFuture(new Assembled(NixHash.of(sha256), size));
        } catch (IOException | NoSuchAlgorithmException e) {
            return CompletableFuture.failedFuture(new StorageException("cannot assemble", e));
        }
    }

    @Override
    public CompletionStage<Void> deleteUpload(UUID narId) {
        parts.remove(narId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<UUID>> uploads() {
        return CompletableFuture.completedFuture(List.copyOf(parts.keySet()));
    }
}
