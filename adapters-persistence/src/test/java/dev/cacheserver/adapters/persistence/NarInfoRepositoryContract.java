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
        assertTrue(all((MAIN)).isEmpty());
        assertEquals(1, all((OTHER)).size());
        assertEquals(0, await(repository.deleteAll(MAIN, java.util.List.of())));
    }

    @Test
    void touchRaisesAccessTimesNeverLowersThemAndIgnoresUnknownPaths() {
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(3))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        java.time.Instant earlier = java.time.Instant.parse("2001-01-01T00:00:00Z");
        await(repository.touch(MAIN, java.util.Map.of(FULL.storePath().hash(), later,
                MINIMAL.storePath().hash(), earlier, hashOf("unknown"), later)));

        assertEquals(2L, await(repository.count(MAIN)), "a touch of an unknown path creates nothing");
        java.time.Instant justBeforeLater = later.minusMillis(1);
        assertEquals(List.of(MINIMAL), await(repository.unmarkedPage(MAIN, justBeforeLater, Optional.empty(), 10)),
                "FULL was raised to 'later'; MINIMAL was not lowered to 'earlier'");
        assertEquals(List.of(), await(repository.unmarkedPage(MAIN, before, Optional.empty(), 10)));
    }

    @Test
    void touchingANarRaisesEveryPathThatUsesIt() {
        NarInfo twin = new NarInfo(generated("twin").storePath(), FULL.narFile(), FULL.fileSize(), FULL.narHash(),
                FULL.narSize(), List.of(), null, null, List.of(), null);
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, twin));
        await(repository.save(MAIN, MINIMAL));
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(3))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        await(repository.touchNars(MAIN, java.util.Map.of(FULL.narFile(), later)));

        assertEquals(List.of(MINIMAL), await(repository.unmarkedPage(MAIN, later, Optional.empty(), 10)));
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
        assertEquals(List.of(replacement), all((MAIN)));
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
        assertEquals(List.of(MINIMAL), all((OTHER)));
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
        assertEquals(List.of(MINIMAL), all((MAIN)));
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

        List<NarInfo> all = all((MAIN));

        assertEquals(main.size(), all.size());
        assertEquals(main, Set.copyOf(all));
        assertEquals(List.of(), all(new CacheName("empty")));
    }

    @Test
    void concurrentSavesAllLand() {
        List<NarInfo> infos = IntStream.range(0, 200).mapToObj(i -> generated("concurrent-" + i)).toList();

        CompletableFuture<?>[] saves = infos.stream()
                .map(info -> repository.save(MAIN, info).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        await(CompletableFuture.allOf(saves));

        assertEquals(Set.copyOf(infos), Set.copyOf(all((MAIN))));
    }

    @Test
    void countsThePathsOfOneCache() {
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, MINIMAL));
        await(repository.save(OTHER, FULL));

        assertEquals(2L, await(repository.count(MAIN)));
        assertEquals(0L, await(repository.count(new CacheName("empty"))));
    }

    @Test
    void pagedScanVisitsEveryHashOnceInOrder() {
        List<StorePathHash> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            NarInfo info = generated("page-" + i);
            await(repository.save(MAIN, info));
            expected.add(info.storePath().hash());
        }
        await(repository.save(OTHER, generated("other-page")));
        expected.sort(null);

        List<StorePathHash> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Optional<StorePathHash> after = Optional.empty();
        while (true) {
            List<StorePathHash> page = await(repository.hashesAfter(MAIN, after, 5));
            if (page.isEmpty()) {
                break;
            }
            sizes.add(page.size());
            seen.addAll(page);
            after = Optional.of(page.get(page.size() - 1));
        }

        assertEquals(expected, seen);
        assertEquals(List.of(5, 5, 5, 5, 3), sizes);
    }

    @Test
    void closureFollowsReferencesTransitivelyWithinTheCache() {
        NarInfo lib = chain("lib", List.of());
        NarInfo mid = chain("mid", List.of(lib));
        NarInfo app = chain("app", List.of(mid, lib));
        NarInfo unrelated = chain("unrelated", List.of(lib));
        for (NarInfo info : List.of(lib, mid, app, unrelated)) {
            await(repository.save(MAIN, info));
        }
        await(repository.save(OTHER, chain("other-app", List.of(app))));

        assertEquals(Set.of(app.storePath().hash(), mid.storePath().hash(), lib.storePath().hash()),
                await(repository.closure(MAIN, List.of(app.storePath().hash()))));
        assertEquals(Set.of(lib.storePath().hash()), await(repository.closure(MAIN, List.of(lib.storePath().hash()))));
        assertEquals(Set.of(), await(repository.closure(OTHER, List.of(app.storePath().hash()))),
                "a path the cache does not hold has no closure there");
        assertEquals(Set.of(), await(repository.closure(MAIN, List.of())));
    }

    @Test
    void referrersAreThePathsThatReferenceOne() {
        NarInfo lib = chain("lib", List.of());
        NarInfo mid = chain("mid", List.of(lib));
        NarInfo app = chain("app", List.of(mid, lib));
        for (NarInfo info : List.of(lib, mid, app)) {
            await(repository.save(MAIN, info));
        }

        assertEquals(Set.of(mid.storePath().hash(), app.storePath().hash()),
                Set.copyOf(await(repository.referrers(MAIN, lib.storePath().hash(), 10))));
        assertEquals(1, await(repository.referrers(MAIN, lib.storePath().hash(), 1)).size());
        assertEquals(List.of(), await(repository.referrers(MAIN, app.storePath().hash(), 10)));

        await(repository.save(MAIN, chain("mid", List.of())));
        assertEquals(List.of(app.storePath().hash()), await(repository.referrers(MAIN, lib.storePath().hash(), 10)),
                "a re-save with other references replaces them");
        await(repository.delete(MAIN, app.storePath().hash()));
        assertEquals(List.of(), await(repository.referrers(MAIN, lib.storePath().hash(), 10)));
    }

    @Test
    void pathsUsingANarAndWhichNarsAreInUse() {
        NarInfo twin = new NarInfo(generated("twin").storePath(), FULL.narFile(), FULL.fileSize(), FULL.narHash(),
                FULL.narSize(), List.of(), null, null, List.of(), null);
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, twin));
        await(repository.save(OTHER, MINIMAL));
        dev.cacheserver.domain.model.NarFile sameHashOtherCompression = new dev.cacheserver.domain.model.NarFile(
                FULL.narFile().fileHash(), dev.cacheserver.domain.model.Compression.XZ);

        assertEquals(Set.of(FULL.storePath().hash(), twin.storePath().hash()),
                Set.copyOf(await(repository.pathsUsing(MAIN, FULL.narFile(), 10))));
        assertEquals(List.of(), await(repository.pathsUsing(MAIN, MINIMAL.narFile(), 10)), "other cache's NAR");
        assertEquals(List.of(), await(repository.pathsUsing(MAIN, sameHashOtherCompression, 10)));
        assertEquals(Set.of(FULL.narFile()), await(repository.narFilesInUse(MAIN,
                List.of(FULL.narFile(), MINIMAL.narFile(), sameHashOtherCompression))));
        assertEquals(Set.of(), await(repository.narFilesInUse(MAIN, List.of())));

        await(repository.delete(MAIN, FULL.storePath().hash()));
        assertEquals(Set.of(FULL.narFile()), await(repository.narFilesInUse(MAIN, List.of(FULL.narFile()))));
        await(repository.delete(MAIN, twin.storePath().hash()));
        assertEquals(Set.of(), await(repository.narFilesInUse(MAIN, List.of(FULL.narFile()))));
    }

    @Test
    void sweepMarksKeepRecentAndPinnedPathsWithTheirClosures() {
        NarInfo lib = chain("lib", List.of());
        NarInfo app = chain("app", List.of(lib));
        NarInfo pinnedLib = chain("pinned-lib", List.of());
        NarInfo pinned = chain("pinned", List.of(pinnedLib));
        NarInfo junk = chain("junk", List.of(lib));
        NarInfo junkDep = chain("junk-dep", List.of());
        NarInfo junkTop = chain("junk-top", List.of(junkDep));
        for (NarInfo info : List.of(lib, app, pinnedLib, pinned, junk, junkDep, junkTop)) {
            await(repository.save(MAIN, info));
        }
        await(repository.save(OTHER, chain("other", List.of())));
        java.time.Instant old = java.time.Instant.parse("2001-01-01T00:00:00Z");
        // Saves count as accesses: with a cutoff after them, only what is touched later counts as recent.
        java.time.Instant cutoff = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        await(repository.touch(MAIN, java.util.Map.of(app.storePath().hash(), cutoff.plusSeconds(1))));

        await(repository.clearKeepMarks(MAIN));
        assertEquals(7L, await(repository.markKept(MAIN, cutoff, List.of(pinned.storePath().hash()))));
        List<NarInfo> unmarked = await(repository.unmarkedPage(MAIN, cutoff, Optional.empty(), 100));

        assertEquals(Set.of(junk, junkDep, junkTop), Set.copyOf(unmarked));
        List<StorePathHash> pageOrder = unmarked.stream().map(i -> i.storePath().hash()).toList();
        assertEquals(pageOrder.stream().sorted().toList(), pageOrder, "pages are in hash order");
        assertEquals(pageOrder.subList(1, 3), await(repository.unmarkedPage(MAIN, cutoff,
                Optional.of(pageOrder.get(0)), 100)).stream().map(i -> i.storePath().hash()).toList());
        assertEquals(1, await(repository.unmarkedPage(MAIN, cutoff, Optional.empty(), 1)).size());
        assertEquals(List.of(), await(repository.unmarkedPage(MAIN, old, Optional.empty(), 100)));

        // A read after the marks: marking again from that instant keeps it and its closure too.
        java.time.Instant readAt = cutoff.plusSeconds(2);
        await(repository.touch(MAIN, java.util.Map.of(junkTop.storePath().hash(), readAt)));
        await(repository.markKept(MAIN, readAt, List.of()));
        assertEquals(List.of(junk), await(repository.unmarkedPage(MAIN, cutoff, Optional.empty(), 100)));

        await(repository.clearKeepMarks(MAIN));
        assertEquals(5, await(repository.unmarkedPage(MAIN, cutoff, Optional.empty(), 100)).size(),
                "cleared marks keep nothing (only app and junk-top, accessed after the cutoff, are not listed)");
    }

    @Test
    void storePathsArePagedInHashOrderAndFilteredLiterally() {
        for (String name : List.of("hello-2.12", "hello-doc", "bash-5.2", "x_y", "xzy")) {
            await(repository.save(MAIN, generated(name)));
        }
        await(repository.save(OTHER, generated("hello-other")));

        List<dev.cacheserver.domain.model.StorePath> all = await(repository.storePathsAfter(MAIN, "", Optional.empty(), 10));
        assertEquals(5, all.size());
        assertEquals(all.stream().map(p -> p.hash()).sorted().toList(), all.stream().map(p -> p.hash()).toList());
        List<dev.cacheserver.domain.model.StorePath> first = await(repository.storePathsAfter(MAIN, "", Optional.empty(), 3));
        assertEquals(all.subList(0, 3), first);
        assertEquals(all.subList(3, 5), await(repository.storePathsAfter(MAIN, "", Optional.of(first.get(2).hash()), 3)));
        assertEquals(Set.of("pkg-hello-2.12", "pkg-hello-doc"), await(repository.storePathsAfter(MAIN, "-hello", Optional.empty(), 10))
                .stream().map(dev.cacheserver.domain.model.StorePath::name).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of("pkg-x_y"), await(repository.storePathsAfter(MAIN, "x_y", Optional.empty(), 10)).stream()
                .map(dev.cacheserver.domain.model.StorePath::name).toList(), "wildcard characters match themselves");
        assertEquals(List.of(), await(repository.storePathsAfter(MAIN, "zzz", Optional.empty(), 10)));
    }

    @Test
    void lastAccessIsTheLatestReadOrSave() {
        await(repository.save(MAIN, FULL));
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(3))
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        await(repository.touch(MAIN, java.util.Map.of(FULL.storePath().hash(), later)));

        assertEquals(Optional.of(later),
                await(repository.lastAccess(MAIN, FULL.storePath().hash())));
        assertEquals(Optional.empty(), await(repository.lastAccess(OTHER, FULL.storePath().hash())));
    }

    @Test
    void storedBytesCountASharedNarOnceAndKeptBytesOnlyMarkedOnes() {
        NarInfo twin = new NarInfo(generated("twin").storePath(), FULL.narFile(), FULL.fileSize(), FULL.narHash(),
                FULL.narSize(), List.of(), null, null, List.of(), null);
        await(repository.save(MAIN, FULL));
        await(repository.save(MAIN, twin));
        await(repository.save(MAIN, MINIMAL));
        await(repository.save(OTHER, generated("elsewhere")));

        assertEquals(FULL.fileSize() + MINIMAL.fileSize(), await(repository.storedBytes(MAIN)));
        assertEquals(0L, await(repository.storedBytes(new CacheName("empty"))));
        await(repository.clearKeepMarks(MAIN));
        assertEquals(0L, await(repository.keptBytes(MAIN)));
        await(repository.markKept(MAIN, java.time.Instant.now().plus(java.time.Duration.ofDays(1)),
                List.of(twin.storePath().hash())));
        assertEquals(FULL.fileSize(), await(repository.keptBytes(MAIN)));
    }

    @Test
    void keepingWithinABudgetMarksWholeClosuresMostRecentFirst() {
        NarInfo lib = chain("lib", List.of());
        NarInfo app = chain("app", List.of(lib));
        NarInfo tool = chain("tool", List.of(lib));
        NarInfo old = chain("old", List.of());
        for (NarInfo info : List.of(lib, app, tool, old)) {
            await(repository.save(MAIN, info));
        }
        java.time.Instant base = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        await(repository.touch(MAIN, java.util.Map.of(app.storePath().hash(), base.plusSeconds(30),
                tool.storePath().hash(), base.plusSeconds(20), old.storePath().hash(), base.plusSeconds(10),
                lib.storePath().hash(), base)));
        java.time.Instant end = base.plusSeconds(60);
        await(repository.clearKeepMarks(MAIN));

        assertEquals(List.of(app, tool, old, lib).stream().map(i -> i.storePath().hash()).toList(),
                await(repository.unmarkedByRecency(MAIN, base, end, 10)));
        assertEquals(List.of(tool.storePath().hash(), old.storePath().hash()),
                await(repository.unmarkedByRecency(MAIN, base.plusSeconds(10), base.plusSeconds(30), 10)));

        long appClosure = app.fileSize() + lib.fileSize();
        assertEquals(new NarInfoRepository.KeptWithin(0, true), await(repository.markKeptWithin(MAIN,
                List.of(app.storePath().hash()), appClosure - 1)), "over the budget: nothing marked");
        assertEquals(0L, await(repository.keptBytes(MAIN)));
        assertEquals(new NarInfoRepository.KeptWithin(appClosure, false), await(repository.markKeptWithin(MAIN,
                List.of(app.storePath().hash()), appClosure)));
        assertEquals(appClosure, await(repository.keptBytes(MAIN)));
        assertEquals(List.of(tool.storePath().hash(), old.storePath().hash()),
                await(repository.unmarkedByRecency(MAIN, base, end, 10)), "app and its reference lib are marked");
        assertEquals(new NarInfoRepository.KeptWithin(tool.fileSize(), true), await(repository.markKeptWithin(MAIN,
                List.of(tool.storePath().hash(), old.storePath().hash()), tool.fileSize() + old.fileSize() - 1)),
                "lib is kept already: only tool's own NAR is added; old does not fit and ends the batch");
        assertEquals(List.of(old), await(repository.unmarkedPage(MAIN, end, Optional.empty(), 10)));
        assertEquals(List.of(old), await(repository.unmarkedPage(MAIN, base.plusSeconds(10), end, Optional.empty(), 10)));
        assertEquals(List.of(), await(repository.unmarkedPage(MAIN, base.plusSeconds(11), end, Optional.empty(), 10)));
    }

    @Test
    void aRecencyPageContinuesAfterTheLastPathOfThePreviousOne() {
        List<NarInfo> paths = new java.util.ArrayList<>();
        for (String name : List.of("p1", "p2", "p3", "p4", "p5")) {
            NarInfo info = chain(name, List.of());
            paths.add(info);
            await(repository.save(MAIN, info));
        }
        java.time.Instant base = java.time.Instant.now().plus(java.time.Duration.ofDays(1));
        java.util.Map<StorePathHash, java.time.Instant> times = new java.util.HashMap<>();
        // p1 newest; p3 and p4 read at the same instant (ties go in hash order)
        times.put(paths.get(0).storePath().hash(), base.plusSeconds(40));
        times.put(paths.get(1).storePath().hash(), base.plusSeconds(30));
        times.put(paths.get(2).storePath().hash(), base.plusSeconds(20));
        times.put(paths.get(3).storePath().hash(), base.plusSeconds(20));
        times.put(paths.get(4).storePath().hash(), base.plusSeconds(10));
        await(repository.touch(MAIN, times));
        java.time.Instant end = base.plusSeconds(60);
        await(repository.clearKeepMarks(MAIN));
        List<StorePathHash> all = await(repository.unmarkedByRecency(MAIN, base, end, 10));
        assertEquals(5, all.size());

        List<StorePathHash> first = await(repository.unmarkedByRecency(MAIN, base, end, Optional.empty(), 3));
        assertEquals(all.subList(0, 3), first);
        await(repository.markKeptWithin(MAIN, first, Long.MAX_VALUE));
        assertEquals(all.subList(3, 5), await(repository.unmarkedByRecency(MAIN, base, end,
                Optional.of(first.get(2)), 3)), "the page after the tie's first path holds the other one");
        await(repository.delete(MAIN, first.get(2)));
        assertEquals(all.subList(3, 5), await(repository.unmarkedByRecency(MAIN, base, end,
                Optional.of(first.get(2)), 3)), "a cursor path deleted since: from the top, marked paths skipped");
    }

    /** A narinfo named {@code name} referencing {@code refs}. */
    protected static NarInfo chain(String name, List<NarInfo> refs) {
        NarInfo base = generated(name);
        return new NarInfo(base.storePath(), base.narFile(), base.fileSize(), base.narHash(), base.narSize(),
                refs.stream().map(NarInfo::storePath).toList(), null, null, List.of(), null);
    }

    /** Every narinfo of {@code cache}, through the paged scan and key lookups. */
    protected List<NarInfo> all(CacheName cache) {
        List<NarInfo> all = new ArrayList<>();
        Optional<StorePathHash> after = Optional.empty();
        while (true) {
            List<StorePathHash> page = await(repository.hashesAfter(cache, after, 100));
            if (page.isEmpty()) {
                return all;
            }
            for (StorePathHash hash : page) {
                await(repository.find(cache, hash)).ifPresent(all::add);
            }
            after = Optional.of(page.get(page.size() - 1));
        }
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
