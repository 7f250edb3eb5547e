package dev.cacheserver.domain.port.inmemory;

import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link UploadRepository} in memory, for unit tests; thread-safe, stages complete immediately. */
public final class InMemoryUploadRepository implements UploadRepository {
    private final Map<UUID, UploadSession> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Map<Integer, UploadedPart>> parts = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> create(UploadSession session) {
        sessions.put(session.narId(), session);
        parts.put(session.narId(), new TreeMap<>());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<UploadSession>> find(UUID narId) {
        return CompletableFuture.completedFuture(Optional.ofNullable(sessions.get(narId)));
    }

    @Override
    public synchronized CompletionStage<Boolean> savePart(UUID narId, UploadedPart part) {
        Map<Integer, UploadedPart> own = parts.get(narId);
        if (own == null || !sessions.containsKey(narId)) {
            return CompletableFuture.completedFuture(false);
        }
        own.put(part.partNumber(), part);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<List<UploadedPart>> parts(UUID narId) {
        Map<Integer, UploadedPart> own = parts.get(narId);
        return CompletableFuture.completedFuture(own == null ? List.of() : List.copyOf(own.values()));
    }

    @Override
    public synchronized CompletionStage<Boolean> delete(UUID narId) {
        parts.remove(narId);
        return CompletableFuture.completedFuture(sessions.remove(narId) != null);
    }

    @Override
    public CompletionStage<List<UploadSession>> findExpired(Instant now, int limit) {
        return CompletableFuture.completedFuture(sessions.values().stream()
                .filter(s -> s.isExpiredAt(now))
                .sorted(Comparator.comparing(UploadSession::expiresAt))
                .limit(limit)
                .toList());
    }

    @Override
    public CompletionStage<Integer> count() {
        return CompletableFuture.completedFuture(sessions.size());
    }
}
