package dev.cacheserver.adapters.storage;

import static dev.cacheserver.adapters.storage.NarStoreContract.await;
import static dev.cacheserver.adapters.storage.NarStoreContract.bytes;
import static dev.cacheserver.adapters.storage.NarStoreContract.narFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarStore.StorageUsage;
import dev.cacheserver.domain.port.NarStore.StoredNar;
import dev.cacheserver.domain.port.inmemory.InMemoryNarPlacementRepository;
import dev.cacheserver.domain.storage.Capacity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The placement ledger on an in-memory repository: what it records, counts, forgets and walks. */
class PlacementLedgerTest {
    private static final CacheName CACHE = new CacheName("main");
    private final InMemoryNarPlacementRepository repository = new InMemoryNarPlacementRepository();
    private final GroupMembers members = new GroupMembers(List.of(member("a"), member("b")));

    private static StorageGroupNarStore.Member member(String name) {
        return new StorageGroupNarStore.Member(name, "local", null, Capacity.UNLIMITED, 0, Optional.empty());
    }

    private PlacementLedger open() throws Exception {
        return new PlacementLedger(CACHE, members, repository, await(repository.state(CACHE)));
    }

    @Test
    void aRecordCountsOnceAndMovesTheRoundRobinOnlyWhenItIsAWrite() throws Exception {
        PlacementLedger ledger = open();
        NarFile written = narFile(bytes("written", 10));
        NarFile found = narFile(bytes("found", 10));

        assertTrue(await(ledger.record(1, written, 300, true)));
        assertFalse(await(ledger.record(0, written, 300, true)), "the same file twice is stored once");
        assertTrue(await(ledger.record(0, found, 50, false)));

        assertEquals(Optional.of("b"), ledger.lastPlacement());
        assertEquals(new StorageUsage(350, 2), ledger.total());
        assertEquals(300, ledger.bytes(1));
        assertEquals(Optional.of(new PlacementLedger.Placed(1, 300)), await(ledger.placed(written)));
    }

    @Test
    void aReopenedLedgerStartsWhereTheRepositoryLeftOff() throws Exception {
        await(open().record(0, narFile(bytes("one", 10)), 10, true));
        await(open().record(1, narFile(bytes("two", 10)), 20, true));

        PlacementLedger reopened = open();

        assertEquals(Optional.of("b"), reopened.lastPlacement());
        assertEquals(new StorageUsage(30, 2), reopened.total());
        assertEquals(0, reopened.placementsInMemory(), "placements are read when asked for");
    }

    @Test
    void forgettingSubtractsOnlyWhatWasRecorded() throws Exception {
        PlacementLedger ledger = open();
        NarFile file = narFile(bytes("gone soon", 10));
        await(ledger.record(0, file, 70, true));

        assertTrue(await(ledger.forget(file, 0, 70)));
        assertFalse(await(ledger.forget(file, 0, 70)));

        assertEquals(new StorageUsage(0, 0), ledger.total());
        assertEquals(Optional.empty(), await(ledger.placed(file)));
    }

    @Test
    void theWalkSkipsRecordsOfStoragesNoLongerConfigured() throws Exception {
        NarFile kept = narFile(bytes("kept", 10));
        await(repository.recordPublished(CACHE, "a", kept, 10, true));
        await(repository.recordPublished(CACHE, "retired", narFile(bytes("orphan", 10)), 10, true));
        PlacementLedger ledger = open();
        List<NarFile> seen = new ArrayList<>();

        await(ledger.walk(1, page -> {
            page.stream().map(StoredNar::file).forEach(seen::add);
            return CompletableFuture.completedFuture(null);
        }));

        assertEquals(List.of(kept), seen);
        assertEquals(new StorageUsage(10, 1), ledger.total(), "the retired storage counts for nothing");
    }
}
