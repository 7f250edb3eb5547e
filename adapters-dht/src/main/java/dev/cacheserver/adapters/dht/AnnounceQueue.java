package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The paths handed over for announcing and not yet sent (each once, in arrival order), and the paths this node
 * withdrew recently, which its lookups no longer offer (at most {@code maxWithdrawn}, oldest forgotten first).
 * Nothing per announced path is kept once it is sent. Confined to the DHT verticle's context.
 */
final class AnnounceQueue {
    /** One path offered by one provider. */
    record AnnounceKey(StorePathHash hash, Provider provider) {
    }

    /** A put to send: the path and the encoded provider record. */
    record Put(StorePathHash hash, byte[] value) {
    }

    private final int maxWithdrawn;
    private final LinkedHashMap<AnnounceKey, byte[]> pending = new LinkedHashMap<>();
    private final LinkedHashSet<AnnounceKey> withdrawnKeys = new LinkedHashSet<>();
    private long withdrawn;

    AnnounceQueue(int maxWithdrawn) {
        this.maxWithdrawn = maxWithdrawn;
    }

    void announce(Provider provider, List<StorePathHash> hashes) {
        byte[] value = DhtRecords.encode(provider);
        for (StorePathHash hash : hashes) {
            AnnounceKey key = new AnnounceKey(hash, provider);
            withdrawnKeys.remove(key);
            pending.putIfAbsent(key, value);
        }
    }

    /** Other nodes keep their copy until it expires; this node at least never offers it again. */
    void withdraw(Provider provider, List<StorePathHash> hashes) {
        for (StorePathHash hash : hashes) {
            AnnounceKey key = new AnnounceKey(hash, provider);
            pending.remove(key);
            withdrawnKeys.add(key);
            if (withdrawnKeys.size() > maxWithdrawn) {
                Iterator<AnnounceKey> it = withdrawnKeys.iterator();
                it.next();
                it.remove();
            }
            withdrawn++;
        }
    }

    boolean isWithdrawn(StorePathHash hash, Provider provider) {
        return withdrawnKeys.contains(new AnnounceKey(hash, provider));
    }

    /** Takes up to {@code count} puts off the front of the queue. */
    List<Put> next(int count) {
        List<Put> batch = new ArrayList<>(Math.min(count, pending.size()));
        Iterator<Map.Entry<AnnounceKey, byte[]>> it = pending.entrySet().iterator();
        while (batch.size() < count && it.hasNext()) {
            Map.Entry<AnnounceKey, byte[]> next = it.next();
            it.remove();
            batch.add(new Put(next.getKey().hash(), next.getValue()));
        }
        return batch;
    }

    int pending() {
        return pending.size();
    }

    long withdrawnCount() {
        return withdrawn;
    }

    void clear() {
        pending.clear();
    }
}
