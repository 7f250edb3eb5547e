package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Build logs, NAR listings and realisations in a database: saved, replaced, found, and found orphaned (for the GC hook)
 * exactly when the path they describe is gone from the same cache and they are older than the cutoff.
 */
public abstract class ProtocolFilesRepositoryContract {
    static final CacheName MAIN = new CacheName("main");
    static final CacheName OTHER = new CacheName("other");
    static final NarInfo TOP = NarInfoText.parse("""
            StorePath: /nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top
            URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst
            Compression: zstd
            FileHash: sha256:0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz
            FileSize: 315
            NarHash: sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8
            NarSize: 1048
            References:\s
            Deriver: l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv
            """);
    static final String KEPT_DRV = "l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv";
    static final String GONE_DRV = "00000000000000000000000000000000-gone.drv";
    static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant CUTOFF = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant NEW = Instant.parse("2026-07-01T00:00:00Z");

    Vertx vertx;
    MetadataDatabase db;
    ArtifactRepository artifacts;
    RealisationRepository realisations;

    /** A new, empty, migrated database. */
    protected abstract MetadataDatabase openDatabase(Vertx vertx) throws Exception;

    @BeforeEach
    void open() throws Exception {
        vertx = Vertx.vertx();
        db = openDatabase(vertx);
        artifacts = db.artifacts();
        realisations = db.realisations();
        await(db.narInfos().save(MAIN, TOP));
    }

    @AfterEach
    void close() throws Exception {
        db.close().await(30, TimeUnit.SECONDS);
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void savedArtifactsAreFoundAndReplaced() throws Exception {
        await(artifacts.save(log(MAIN, KEPT_DRV, OLD)));
        StoredArtifact again = new StoredArtifact(MAIN, ArtifactKind.BUILD_LOG, KEPT_DRV, 99, "text/plain",
                Optional.of("br"), NEW);
        await(artifacts.save(again));
        assertEquals(Optional.of(again), await(artifacts.find(MAIN, ArtifactKind.BUILD_LOG, KEPT_DRV)));
        assertEquals(Optional.empty(), await(artifacts.find(OTHER, ArtifactKind.BUILD_LOG, KEPT_DRV)));
        assertEquals(Optional.empty(), await(artifacts.find(MAIN, ArtifactKind.NAR_LISTING, KEPT_DRV)));
    }

    @Test
    void orphansAreArtifactsWhosePathIsGoneAndThatAreOldEnough() throws Exception {
        String keptHash = TOP.storePath().hash().value();
        String goneHash = "1".repeat(32);
        await(artifacts.save(log(MAIN, KEPT_DRV, OLD)));
        await(artifacts.save(log(MAIN, GONE_DRV, OLD)));
        await(artifacts.save(log(MAIN, "22222222222222222222222222222222-fresh.drv", NEW)));
        await(artifacts.save(log(OTHER, KEPT_DRV, OLD)));
        await(artifacts.save(listing(MAIN, keptHash)));
        await(artifacts.save(listing(MAIN, goneHash)));

        List<String> orphans = await(artifacts.findOrphans(MAIN, CUTOFF, 100)).stream()
                .map(a -> a.kind() + " " + a.name()).sorted().toList();
        assertEquals(List.of("BUILD_LOG " + GONE_DRV, "NAR_LISTING " + goneHash), orphans);
        assertEquals(1, await(artifacts.findOrphans(MAIN, CUTOFF, 1)).size(), "paged");
        assertEquals(List.of(KEPT_DRV), await(artifacts.findOrphans(OTHER, CUTOFF, 100)).stream()
                .map(StoredArtifact::name).toList(), "a path in another cache keeps nothing here");

        await(artifacts.delete(MAIN, ArtifactKind.BUILD_LOG, GONE_DRV));
        assertEquals(Optional.empty(), await(artifacts.find(MAIN, ArtifactKind.BUILD_LOG, GONE_DRV)));
    }

    @Test
    void realisationsRoundTripAndGoWithTheirOutput() throws Exception {
        SecretSigningKey key = SecretSigningKey.generate("cache-1");
        DrvOutputId keptId = DrvOutputId.parse("sha256:" + "a".repeat(64) + "!out");
        DrvOutputId goneId = DrvOutputId.parse("sha256:" + "b".repeat(64) + "!dev");
        Realisation kept = new Realisation(keptId, TOP.storePath(), new TreeMap<>(Map.of(goneId,
                StorePath.parse("33333333333333333333333333333333-dep"))), List.of()).signedBy(key);
        Realisation gone = new Realisation(goneId, StorePath.parse("33333333333333333333333333333333-dep"),
                new TreeMap<>(), List.of());
        await(realisations.save(MAIN, kept, OLD));
        await(realisations.save(MAIN, gone, OLD));
        await(realisations.save(OTHER, gone, NEW));

        Realisation found = await(realisations.find(MAIN, keptId)).orElseThrow();
        assertEquals(kept.toJson(), found.toJson());
        assertTrue(found.isSignedBy(key.publicKey()));

        assertEquals(1, await(realisations.deleteOrphans(MAIN, CUTOFF, 100)));
        assertEquals(Optional.empty(), await(realisations.find(MAIN, goneId)).map(Realisation::toJson));
        assertTrue(await(realisations.find(MAIN, keptId)).isPresent());
        assertEquals(0, await(realisations.deleteOrphans(OTHER, CUTOFF, 100)), "younger than the cutoff");
    }

    private static StoredArtifact log(CacheName cache, String drv, Instant at) {
        return new StoredArtifact(cache, ArtifactKind.BUILD_LOG, drv, 10, "text/plain; charset=utf-8",
                Optional.empty(), at);
    }

    private static StoredArtifact listing(CacheName cache, String hash) {
        return new StoredArtifact(cache, ArtifactKind.NAR_LISTING, hash, 10, "application/json", Optional.empty(), OLD);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
