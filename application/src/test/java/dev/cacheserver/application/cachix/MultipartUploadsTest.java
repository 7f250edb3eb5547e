package dev.cacheserver.application.cachix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.port.in.CompletedPart;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadPartStore;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry of abandoned uploads and the choice of parts at complete, on the in-memory ports. */
class MultipartUploadsTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    @TempDir
    Path dir;

    @Test
    void expiredUploadsAndOrphanedPartsAreDeletedLiveOnesKept() throws Exception {
        InMemoryUploadRepository repo = new InMemoryUploadRepository();
        InMemoryUploadPartStore parts = new InMemoryUploadPartStore(dir);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        MultipartUploads uploads = new MultipartUploads(new CachixCaches(List.of()),
                new AccessPolicy(new Hs256Tokens("k".getBytes()), clock), repo, parts,
                new UploadCapabilities("k".getBytes()), (cacheUrl, grant, sig) -> cacheUrl, new InMemoryCacheKeyRepository(),
                new UploadSettings(Duration.ofHours(1), Duration.ofMinutes(5), 10, 10, 2, 4), clock);
        UploadSession expired = session(NOW.minusSeconds(1));
        UploadSession live = session(NOW.plusSeconds(60));
        UUID orphan = UUID.randomUUID();
        for (UUID id : List.of(expired.narId(), live.narId(), orphan)) {
            Path spool = parts.createPartSpool(id).toCompletableFuture().get();
            Files.write(spool, new byte[] {1, 2, 3});
            parts.keepPart(id, 1, spool).toCompletableFuture().get();
        }
        repo.create(expired);
        repo.create(live);

        assertEquals(1, uploads.expireAbandoned().toCompletableFuture().get());

        assertEquals(Optional.empty(), repo.find(expired.narId()).toCompletableFuture().get());
        assertEquals(Optional.of(live), repo.find(live.narId()).toCompletableFuture().get());
        assertEquals(List.of(live.narId()), parts.uploads().toCompletableFuture().get());
    }

    @Test
    void listedPartsMustBeContiguousAndMatchTheirETags() {
        List<UploadedPart> stored = List.of(new UploadedPart(1, "0123456789abcdef0123456789abcdef", 5),
                new UploadedPart(2, "fedcba9876543210fedcba9876543210", 0));

        assertEquals(List.of(1, 2), MultipartUploads.chooseParts(Optional.of(List.of(
                new CompletedPart(2, "\"fedcba9876543210fedcba9876543210\""),
                new CompletedPart(1, "\"0123456789ABCDEF0123456789ABCDEF\""))), stored));
        assertEquals(List.of(1, 2), MultipartUploads.chooseParts(Optional.empty(), stored));
        assertEquals(List.of(1), MultipartUploads.chooseParts(Optional.of(List.of(
                new CompletedPart(1, "\"0123456789abcdef0123456789abcdef\""))), stored));
        assertThrows(InvalidInputException.class, () -> MultipartUploads.chooseParts(Optional.of(List.of(
                new CompletedPart(1, "\"00000000000000000000000000000000\""))), stored));
        assertThrows(InvalidInputException.class, () -> MultipartUploads.chooseParts(Optional.of(List.of(
                new CompletedPart(2, "\"fedcba9876543210fedcba9876543210\""))), stored));
        assertThrows(InvalidInputException.class, () -> MultipartUploads.chooseParts(Optional.of(List.of()), stored));
        assertThrows(InvalidInputException.class, () -> MultipartUploads.chooseParts(Optional.empty(),
                List.of(stored.get(1))));
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> MultipartUploads.chooseParts(Optional.empty(), List.of()));
        assertTrue(none.getMessage().contains("no part"));
    }

    private static UploadSession session(Instant expires) {
        return new UploadSession(UUID.randomUUID(), "u", new CacheName("main"), Compression.ZSTD, NOW.minusSeconds(3600),
                expires);
    }
}
