package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.auth.IssuedToken;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.port.TokenRevocations;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.upload.Pin;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the Cachix state ports must do ({@link UploadRepository}, {@link TokenRevocations},
 * {@link CacheKeyRepository}, {@link PinRepository}); run against the in-memory twins and SQLite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CachixStateContract {
    protected static final CacheName MAIN = new CacheName("main");
    protected static final CacheName OTHER = new CacheName("other");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    protected UploadRepository uploads;
    protected TokenRevocations tokens;
    protected CacheKeyRepository keys;
    protected PinRepository pins;

    /** Fresh, empty instances of the four ports, assigned to the fields. */
    protected abstract void createPorts() throws Exception;

    @BeforeEach
    final void setUpPorts() throws Exception {
        createPorts();
    }

    static UploadSession session(CacheName cache, Instant expires) {
        return new UploadSession(UUID.randomUUID(), "secret-" + UUID.randomUUID(), cache, Compression.ZSTD, T0, expires);
    }

    @Test
    void aSessionRoundTrips() {
        UploadSession s = new UploadSession(UUID.randomUUID(), "u-1", MAIN, Compression.XZ, T0, T0.plusSeconds(3600));
        await(uploads.create(s));

        assertEquals(Optional.of(s), await(uploads.find(s.narId())));
        assertEquals(Optional.empty(), await(uploads.find(UUID.randomUUID())));
        assertEquals(1, await(uploads.count()));
    }

    @Test
    void partsAreListedInOrderAndARetriedPartReplacesTheFirst() {
        UploadSession s = session(MAIN, T0.plusSeconds(60));
        await(uploads.create(s));
        UploadedPart p3 = new UploadedPart(3, "00000000000000000000000000000003", 0);
        UploadedPart p1 = new UploadedPart(1, "00000000000000000000000000000001", 33554432L);
        UploadedPart p2 = new UploadedPart(2, "00000000000000000000000000000002", 5);
        UploadedPart p2again = new UploadedPart(2, "0000000000000000000000000000000f", 7);

        assertTrue(await(uploads.savePart(s.narId(), p3)));
        assertTrue(await(uploads.savePart(s.narId(), p1)));
        assertTrue(await(uploads.savePart(s.narId(), p2)));
        assertTrue(await(uploads.savePart(s.narId(), p2again)));

        assertEquals(List.of(p1, p2again, p3), await(uploads.parts(s.narId())));
    }

    @Test
    void aPartOfAnUnknownOrDeletedUploadIsNotRecorded() {
        UploadSession s = session(MAIN, T0.plusSeconds(60));
        await(uploads.create(s));
        UploadedPart part = new UploadedPart(1, "00000000000000000000000000000001", 1);
        assertTrue(await(uploads.savePart(s.narId(), part)));

        assertTrue(await(uploads.delete(s.narId())));

        assertFalse(await(uploads.savePart(s.narId(), part)));
        assertFalse(await(uploads.savePart(UUID.randomUUID(), part)));
        assertEquals(List.of(), await(uploads.parts(s.narId())));
        assertEquals(Optional.empty(), await(uploads.find(s.narId())));
        assertFalse(await(uploads.delete(s.narId())));
        assertEquals(0, await(uploads.count()));
    }

    @Test
    void expiredSessionsAreFoundOldestFirstWithinTheLimit() {
        UploadSession late = session(MAIN, T0.plusSeconds(30));
        UploadSession early = session(OTHER, T0.plusSeconds(10));
        UploadSession exact = session(MAIN, T0.plusSeconds(20));
        UploadSession live = session(MAIN, T0.plusSeconds(3600));
        for (UploadSession s : List.of(late, early, exact, live)) {
            await(uploads.create(s));
        }

        assertEquals(List.of(early, exact, late), await(uploads.findExpired(T0.plusSeconds(30), 10)));
        assertEquals(List.of(early), await(uploads.findExpired(T0.plusSeconds(30), 1)));
        assertEquals(List.of(), await(uploads.findExpired(T0, 10)));
    }

    @Test
    void concurrentPartsAllLand() {
        UploadSession s = session(MAIN, T0.plusSeconds(60));
        await(uploads.create(s));
        List<UploadedPart> parts = IntStream.rangeClosed(1, 40)
                .mapToObj(n -> new UploadedPart(n, String.format("%032x", n), n)).toList();

        await(CompletableFuture.allOf(parts.stream().map(p -> uploads.savePart(s.narId(), p).toCompletableFuture())
                .toArray(CompletableFuture[]::new)));

        assertEquals(parts, await(uploads.parts(s.narId())));
    }

    @Test
    void revokedTokensAreListedAndRevokingTwiceReportsFalse() {
        IssuedToken a = new IssuedToken("id-a", "main", Permission.READ, T0.plusSeconds(86400), T0, null);
        IssuedToken b = new IssuedToken("id-b", "*", Permission.ADMIN, null, T0.plusSeconds(1), null);
        await(tokens.recordIssued(a));
        await(tokens.recordIssued(b));
        await(tokens.recordIssued(a));

        assertTrue(await(tokens.revoke("id-a", T0.plusSeconds(5))));
        assertFalse(await(tokens.revoke("id-a", T0.plusSeconds(6))));

        assertEquals(Set.of("id-a"), await(tokens.revokedIds()));
        List<IssuedToken> all = await(tokens.list());
        assertEquals(List.of("id-a", "id-b"), all.stream().map(IssuedToken::id).toList());
        assertEquals(Optional.of(T0.plusSeconds(5)), all.get(0).revocation());
        assertEquals(Permission.READ, all.get(0).permission());
        assertEquals(Optional.of(T0.plusSeconds(86400)), all.get(0).expiry());
        assertEquals(Optional.empty(), all.get(1).revocation());
        assertEquals(Optional.empty(), all.get(1).expiry());
    }

    @Test
    void anUnknownIdCanBeRevoked() {
        assertTrue(await(tokens.revoke("never-issued", T0)));

        assertEquals(Set.of("never-issued"), await(tokens.revokedIds()));
        assertFalse(await(tokens.revoke("never-issued", T0.plusSeconds(1))));
    }

    @Test
    void registeredKeysArePerCacheInOrderWithoutDuplicates() {
        PublicSigningKey k1 = SecretSigningKey.generate("main.example-2").publicKey();
        PublicSigningKey k2 = SecretSigningKey.generate("main.example-3").publicKey();
        PublicSigningKey k3 = SecretSigningKey.generate("other.example-2").publicKey();

        await(keys.register(MAIN, k1));
        await(keys.register(OTHER, k3));
        await(keys.register(MAIN, k2));
        await(keys.register(MAIN, k1));

        assertEquals(List.of(k1, k2), await(keys.keys(MAIN)));
        assertEquals(List.of(k3), await(keys.keys(OTHER)));
        assertEquals(List.of(), await(keys.keys(new CacheName("none"))));
    }

    @Test
    void pinsKeepEveryRevisionPerCache() {
        StorePath path = StorePath.parse("/nix/store/g8zva6pncl7n3i0l2bsridmag9f8yb8s-hello.txt");
        Pin first = new Pin(MAIN, "release", path, List.of("bin/hello", "/share"), new Pin.Keep(Pin.Keep.Kind.DAYS, 30),
                T0);
        Pin second = new Pin(MAIN, "release", path, List.of(), new Pin.Keep(Pin.Keep.Kind.FOREVER, 0), T0.plusSeconds(1));
        Pin other = new Pin(OTHER, "x", path, List.of(), new Pin.Keep(Pin.Keep.Kind.NONE, 0), T0);

        await(pins.add(first));
        await(pins.add(other));
        await(pins.add(second));

        assertEquals(List.of(first, second), await(pins.pins(MAIN)));
        assertEquals(List.of(other), await(pins.pins(OTHER)));
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
