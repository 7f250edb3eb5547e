package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarPlacementRepository.Placement;
import dev.cacheserver.domain.port.NarPlacementRepository.State;
import dev.cacheserver.domain.port.NarStore.StoredNar;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart, brings the placement records in line with what the local storages (and S3 storages never
 * used by the cache before) actually hold: unrecorded NARs are adopted where they are, records of vanished local
 * files dropped. Page by page, so neither the time to open nor the heap depends on the number of NARs. Adopting
 * is no write: it never moves the round-robin position, and it leaves alone a file a publish is recording.
 */
final class StorageReconciler {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(StorageGroupNarStore.class);
    /** NAR files per page when a storage or the placement records are walked. */
    static final int WALK_PAGE = 256;

    private final Vertx vertx;
    private final CacheName cache;
    private final GroupMembers members;
    private final PlacementLedger ledger;
    private final PublishClaims claims;

    StorageReconciler(Vertx vertx, CacheName cache, GroupMembers members, PlacementLedger ledger,
                      PublishClaims claims) {
        this.vertx = vertx;
        this.cache = cache;
        this.members = members;
        this.ledger = ledger;
        this.claims = claims;
    }

    /** Reconciles every storage in turn; {@code state} tells which storages the cache used before. */
    CompletionStage<Void> run(State state) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < members.size(); i++) {
            int index = i;
            boolean neverUsed = !state.usage().containsKey(members.name(i));
            chain = chain.thenCompose(v -> reconcile(index, neverUsed));
        }
        return chain;
    }

    private CompletionStage<Void> reconcile(int index, boolean neverUsed) {
        StorageGroupNarStore.Member member = members.get(index);
        boolean local = member.store() instanceof LocalNarStore;
        boolean s3 = member.store() instanceof S3NarStore;
        if (!(local || s3 && neverUsed)) {
            return CompletableFuture.completedFuture(null);
        }
        long[] counts = new long[2];
        CompletionStage<Void> adopting = member.store().walk(WALK_PAGE, page -> adopt(index, page, counts));
        CompletionStage<Void> dropping = !local ? adopting
                : adopting.thenCompose(v -> dropVanished(index, Optional.empty(), counts));
        return dropping.thenRun(() -> {
            if (counts[0] + counts[1] > 0) {
                LOG.info("cache {}: storage '{}' holds {} NAR files not recorded (now recorded); {} records of files "
                        + "that are gone were dropped", cache, member.name(), counts[0], counts[1]);
            }
        });
    }

    /** One query per page tells which stored NARs are recorded; the others are recorded where they are. */
    private CompletionStage<Void> adopt(int index, List<StoredNar> page, long[] counts) {
        return ledger.repository().recorded(cache, page.stream().map(StoredNar::file).toList()).thenCompose(known -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (StoredNar nar : page) {
                if (!known.contains(nar.file())) {
                    // A publish may have put it there since the query: then the publish records it, as a write.
                    chain = chain.thenCompose(v -> claims.ifUnclaimed(nar.file().fileName(),
                                    () -> ledger.record(index, nar.file(), nar.size(), false)))
                            .thenAccept(adopted -> counts[0] += adopted ? 1 : 0);
                }
            }
            return chain;
        });
    }

    /** Walks the records by file name; the files of this local storage that are gone are forgotten. */
    private CompletionStage<Void> dropVanished(int index, Optional<NarFile> after, long[] counts) {
        String name = members.name(index);
        LocalNarStore store = (LocalNarStore) members.get(index).store();
        return ledger.repository().page(cache, after, WALK_PAGE).thenCompose(page -> {
            if (page.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<Placement> here = page.stream().filter(p -> p.storage().equals(name)).toList();
            return vertx.executeBlocking(() -> here.stream()
                            .filter(p -> !Files.exists(
                                    ((NarLocation.LocalFile) store.locationOf(p.file(), p.size())).path()))
                            .toList(), false).toCompletionStage()
                    .thenCompose(gone -> {
                        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
                        for (Placement p : gone) {
                            counts[1]++;
                            chain = chain.thenCompose(v -> ledger.forget(p.file(), index, p.size()))
                                    .thenApply(x -> null);
                        }
                        return chain;
                    })
                    .thenCompose(v -> dropVanished(index, Optional.of(page.get(page.size() - 1).file()), counts));
        });
    }
}
