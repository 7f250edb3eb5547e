package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Nix32;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarInfoRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link NarInfoRepository} must do. A subclass supplies a fresh, empty repository per test; the
 * stages are awaited from the test thread, never from an event loop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class NarInfoRepositoryContract {
    protected static final CacheName MAIN = new CacheName("main");
    protected static final CacheName OTHER = new CacheName("other");

    /** Every field present; fields in the order NarInfoText renders them, so the text round-trips too. */
    protected static final String FULL_TEXT = """
            StorePath: /nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top
            URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst
            Compression: zstd
            FileHash: sha256:0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz
            FileSize: 315
            NarHash: sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8
            NarSize: 1048
            References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m
            Deriver: l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv
            System: x86_64-linux
            Sig: test-1:uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw==
            Sig: cache.example.org-1:H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==
            Sig: other-key:Umd2iCLuYk1I/OFexcp5y9YCy39MIVelFlVpkfIu+Me173sY0f9BxZNw77CFhlHUSpNsEbexRMSP4E3zxqPo2g==
            CA: fixed:r:sha256:1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0
            """;

    /** Only the required fields: no references, deriver, system, signatures or CA; uncompressed. */
    protected static final String MINIMAL_TEXT = """
            StorePath: /nix/store/12z63721xzfhfahmwbyn60v571yq56ip-blob-1k
            URL: nar/1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0.nar
            Compression: none
            FileHash: sha256:1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0
            FileSize: 1160
            NarHash: sha256:1b4sb93wp679q4zx9k1ignby1yna3z7c4c2ri3wphylbc2dwsys0
            NarSize: 1160
            References:\s
            """;

    protected static final NarInfo FULL = NarInfoText.parse(FULL_TEXT);
    protected static final NarInfo MINIMAL = NarInfoText.parse(MINIMAL_TEXT);

    protected NarInfoRepository repository;

    /** A new, empty repository; called before each test. */
    protected abstract NarInfoRepository createRepository() throws Exception;

    @BeforeEach
    final void setUpRepository() throws Exception {
        repository = createRepository();
    }

    @Test
    void deleteAllRemovesTheListedPathsOfOneCacheOnly() {
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));
        await(repository.save(OTHER, FULL));
        assertEquals(2, await(repository.deleteAll(MAIN, java.util.List.of(FULL.storePath().hash(),
                MINIMAL.storePath().hash(), new dev.cacheserver.domain.model.StorePathHash("0".repeat(32))))));
        assertTrue(await(repository.findAll(MAIN)).isEmpty());
        assertEquals(1, await(repository.findAll(OTHER)).size());
        assertEquals(0, await(repository.deleteAll(MAIN, java.util.List.of())));
    }

    @Test
    void touchRaisesAccessTimesAndUsageListsReferences() {
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(3));
        java.time.Instant earlier = java.time.Instant.parse("2001-01-01T00:00:00Z");
        await(repository.touch(MAIN, java.util.Map.of(FULL.storePath().hash(), later,
                MINIMAL.storePath().hash(), earlier,
                new dev.cacheserver.domain.model.StorePathHash("0".repeat(32)), later)));
        java.util.Map<dev.cacheserver.domain.model.StorePathHash, dev.cacheserver.domain.retention.PathUsage> usage =
                new java.util.HashMap<>();
        await(repository.findUsage(MAIN)).forEach(u -> usage.put(u.hash(), u));
        assertEquals(2, usage.size(), "a touch of an unknown path creates nothing");
        assertEquals(later.toEpochMilli(), usage.get(FULL.storePath().hash()).lastAccess().toEpochMilli());
        assertTrue(usage.get(MINIMAL.storePath().hash()).lastAccess().isAfter(earlier), "never lowered");
        assertEquals(java.util.Set.of(FULL.references().get(0).hash(), FULL.references().get(1).hash()),
                usage.get(FULL.storePath().hash()).references());
        assertTrue(await(repository.findUsage(OTHER)).isEmpty());
    }

    @Test
    void savedNarInfoRoundTripsEveryField() {
        assertEquals(2, FULL.references().size());
        assertNotNull(FULL.deriver());
        assertNotNull(FULL.system());
        assertNotNull(FULL.ca());
        assertEquals(3, FULL.signatures().size());

        await(repository.save(MAIN, FULL));

        NarInfo found = await(repository.find(MAIN, FULL.storePath().hash())).orElseThrow();
        assertEquals(FULL, found);
        assertEquals(FULL_TEXT, NarInfoText.render(found));
    }

    @Test
    void minimalNarInfoRoundTrips() {
        await(repository.save(MAIN, MINIMAL));

        NarInfo found = await(repository.find(MAIN, MINIMAL.storePath().hash())).orElseThrow();
        assertEquals(MINIMAL, found);
        assertEquals(MINIMAL_TEXT, NarInfoText.render(found));
    }

    @Test
    void unknownHashIsNotFound() {
        await(repository.save(MAIN, FULL));

        assertEquals(Optional.empty(), await(repository.find(MAIN, MINIMAL.storePath().hash())));
    }

    @Test
    void saveReplacesTheNarInfoOfTheSameStorePath() {
        await(repository.save(MAIN, FULL));
        NarInfo replacement = new NarInfo(FULL.storePath(), MINIMAL.narFile(), 7, MINIMAL.narHash(), 9,
                List.of(), null, null, List.of(), null);

        await(repository.save(MAIN, replacement));

        assertEquals(Optional.of(replacement), await(repository.find(MAIN, FULL.storePath().hash())));
        assertEquals(List.of(replacement), await(repository.findAll(MAIN)));
    }

    @Test
    void resavingWithAnotherSignatureKeepsBoth() {
        NarInfo unsigned = FULL.withSignatures(List.of(FULL.signatures().get(0)));
        await(repository.save(MAIN, unsigned));

        await(repository.save(MAIN, FULL));

        assertEquals(FULL.signatures(), await(repository.find(MAIN, FULL.storePath().hash())).orElseThrow()
                .signatures());
    }

    @Test
    void cachesAreSeparate() {
        await(repository.save(MAIN, FULL));
        await(repository.save(OTHER, MINIMAL));
        StorePathHash fullHash = FULL.storePath().hash();

        assertEquals(Optional.empty(), await(repository.find(OTHER, fullHash)));
        assertEquals(Set.of(fullHash), await(repository.findMissing(OTHER, List.of(fullHash))));
        assertEquals(List.of(MINIMAL), await(repository.findAll(OTHER)));
        assertFalse(await(repository.delete(OTHER, fullHash)));
        assertEquals(Optional.of(FULL), await(repository.find(MAIN, fullHash)));
    }

    @Test
    void sameStorePathCanDifferBetweenCaches() {
        NarInfo other = FULL.withSignatures(List.of());
        await(repository.save(MAIN, FULL));
        await(repository.save(OTHER, other));

        assertEquals(Optional.of(FULL), await(repository.find(MAIN, FULL.storePath().hash())));
        assertEquals(Optional.of(other), await(repository.find(OTHER, FULL.storePath().hash())));
    }

    @Test
    void findMissingReturnsTheAbsentHashesOnceEach() {
        NarInfo a = generated("a");
        NarInfo b = generated("b");
        await(repository.save(MAIN, a));
        await(repository.save(MAIN, b));
        StorePathHash x = hashOf("x");
        StorePathHash y = hashOf("y");

        Set<StorePathHash> missing = await(repository.findMissing(MAIN,
                List.of(a.storePath().hash(), x, y, b.storePath().hash(), x, a.storePath().hash(), y)));

        assertEquals(Set.of(x, y), missing);
    }

    @Test
    void findMissingOfNothingIsEmpty() {
        assertEquals(Set.of(), await(repository.findMissing(MAIN, List.of())));
    }

    @Test
    void findMissingWhenEverythingIsPresentIsEmpty() {
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));

        assertEquals(Set.of(), await(repository.findMissing(MAIN,
                List.of(FULL.storePath().hash(), MINIMAL.storePath().hash(), FULL.storePath().hash()))));
    }

    @Test
    void findMissingHandlesTheLargestRequest() {
        // 32768 is the most a client sends at once; far beyond SQLite's bound-parameter limits.
        List<StorePathHash> present = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            NarInfo info = generated("present-" + i);
            await(repository.save(MAIN, info));
            present.add(info.storePath().hash());
        }
        Set<StorePathHash> absent = new HashSet<>();
        List<StorePathHash> request = new ArrayList<>(present);
        for (int i = 0; request.size() < 32_768; i++) {
            StorePathHash hash = hashOf("absent-" + i);
            absent.add(hash);
            request.add(hash);
            if (i % 10 == 0) {
                request.add(hash);
            }
        }

        assertEquals(absent, await(repository.findMissing(MAIN, request)));
        assertEquals(Set.copyOf(present.subList(0, 10)),
                await(repository.findMissing(OTHER, present.subList(0, 10))));
    }

    @Test
    void deleteRemovesOnlyThatNarInfo() {
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));
        StorePathHash hash = FULL.storePath().hash();

        assertTrue(await(repository.delete(MAIN, hash)));

        assertEquals(Optional.empty(), await(repository.find(MAIN, hash)));
        assertEquals(Set.of(hash), await(repository.findMissing(MAIN, List.of(hash))));
        assertEquals(List.of(MINIMAL), await(repository.findAll(MAIN)));
        assertFalse(await(repository.delete(MAIN, hash)));
    }

    @Test
    void deleteOfUnknownHashIsFalse() {
        assertFalse(await(repository.delete(MAIN, hashOf("never-saved"))));
    }

    @Test
    void findAllListsEveryNarInfoOfOneCache() {
        Set<NarInfo> main = new HashSet<>(List.of(FULL, MINIMAL));
        for (int i = 0; i < 5; i++) {
            main.add(generated("main-" + i));
        }
        for (NarInfo info : main) {
            await(repository.save(MAIN, info));
        }
        await(repository.save(OTHER, generated("other-0")));

        List<NarInfo> all = await(repository.findAll(MAIN));

        assertEquals(main.size(), all.size());
        assertEquals(main, Set.copyOf(all));
        assertEquals(List.of(), await(repository.findAll(new CacheName("empty"))));
    }

    @Test
    void concurrentSavesAllLand() {
        List<NarInfo> infos = IntStream.range(0, 200).mapToObj(i -> generated("concurrent-" + i)).toList();

        CompletableFuture<?>[] saves = infos.stream()
                .map(info -> repository.save(MAIN, info).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        await(CompletableFuture.allOf(saves));

        assertEquals(Set.copyOf(infos), Set.copyOf(await(repository.findAll(MAIN))));
    }

    /** A valid, fully populated narinfo whose store path and hashes derive from {@code seed}. */
    protected static NarInfo generated(String seed) {
        String fileHash = Nix32.encode(sha256(seed + "/file"));
        return NarInfoText.parse("StorePath: /nix/store/" + hashOf(seed) + "-pkg-" + seed + "\n"
                + "URL: nar/" + fileHash + ".nar.xz\n"
                + "Compression: xz\n"
                + "FileHash: sha256:" + fileHash + "\n"
                + "FileSize: " + (1000 + seed.length()) + "\n"
                + "NarHash: sha256:" + Nix32.encode(sha256(seed + "/nar")) + "\n"
                + "NarSize: " + (5000 + (seed.hashCode() & 0xffff)) + "\n"
                + "References: " + hashOf(seed + "/dep") + "-dep " + hashOf(seed) + "-pkg-" + seed + "\n"
                + "Deriver: " + hashOf(seed + "/drv") + "-pkg-" + seed + ".drv\n"
                + "Sig: test-1:" + Base64.getEncoder().encodeToString(sha512(seed)) + "\n");
    }

    protected static StorePathHash hashOf(String seed) {
        return new StorePathHash(Nix32.encode(Arrays.copyOf(sha256(seed), 20)));
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The exception {@code stage} fails with. */
    protected static Throwable failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the stage to fail");
    }

    private static byte[] sha256(String s) {
        return digest("SHA-256", s);
    }

    private static byte[] sha512(String s) {
        return digest("SHA-512", s);
    }

    private static byte[] digest(String algorithm, String s) {
        try {
            return MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
