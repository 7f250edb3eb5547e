package dev.cacheserver.adapters.dht;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native callbacks of every DHT runner and the operations they complete, found again through a numeric
 * user-data id. The callbacks are static singletons so JNA never frees a trampoline the native side still holds
 * (spec G1); they run on the native DHT thread, only copy data and hand it over, and never throw (G2, G4).
 */
final class DhtCallbacks {
    private static final Map<Long, DhtOp> OPS = new ConcurrentHashMap<>();
    private static final Map<Long, CountDownLatch> SHUTDOWNS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong(1);
    static final OpenDhtC.GetCallback ON_VALUE = DhtCallbacks::onValue;
    static final OpenDhtC.DoneCallback ON_DONE = DhtCallbacks::onDone;
    static final OpenDhtC.ShutdownCallback ON_SHUTDOWN = DhtCallbacks::onShutdown;

    static {
        CallbackThreadInitializer init = new CallbackThreadInitializer(true, false, "opendht-dht");
        Native.setCallbackThreadInitializer(ON_VALUE, init);
        Native.setCallbackThreadInitializer(ON_DONE, init);
        Native.setCallbackThreadInitializer(ON_SHUTDOWN, init);
    }

    private DhtCallbacks() {
    }

    /** Registers {@code op}; the id goes to the native call as its user data. */
    static long register(DhtOp op) {
        long id = IDS.getAndIncrement();
        OPS.put(id, op);
        return id;
    }

    /** Takes {@code id} out of the registry: true when it was still there (then the caller completes it). */
    static boolean remove(long id) {
        return OPS.remove(id) != null;
    }

    /** Completes every operation still open that delivers to {@code deliver}: its runner is gone. */
    static void finishAll(Executor deliver) {
        OPS.forEach((opId, op) -> {
            if (op.deliver == deliver && OPS.remove(opId) != null) {
                op.complete(false);
            }
        });
    }

    /** A shutdown to wait for: its id and the latch its callback releases. */
    record Shutdown(long id, CountDownLatch stopped) {
        void forget() {
            SHUTDOWNS.remove(id);
        }
    }

    static Shutdown shutdown() {
        Shutdown shutdown = new Shutdown(IDS.getAndIncrement(), new CountDownLatch(1));
        SHUTDOWNS.put(shutdown.id(), shutdown.stopped());
        return shutdown;
    }

    // ---- native callbacks: the DHT thread; copy, hand over, never throw --------------------------------------

    private static byte onValue(Pointer value, Pointer userData) {
        try {
            DhtOp op = OPS.get(Pointer.nativeValue(userData));
            if (!(op instanceof DhtOp.GetOp get)) {
                return 0;
            }
            OpenDhtC lib = get.lib;
            OpenDhtC.DhtDataView.ByValue view = lib.dht_value_get_data(value);
            if (view.size <= 0 || view.size > DhtRecords.MAX_VALUE_BYTES) {
                return 1;
            }
            get.add(new DhtNode.Found(lib.dht_value_get_id(value), view.data.getByteArray(0, (int) view.size)));
            return 1;
        } catch (Throwable t) {
            return 0;
        }
    }

    private static void onDone(byte ok, Pointer userData) {
        try {
            DhtOp op = OPS.remove(Pointer.nativeValue(userData));
            if (op != null) {
                op.complete(ok != 0);
            }
        } catch (Throwable ignored) {
            // Nothing may escape into native code (spec G4).
        }
    }

    private static void onShutdown(Pointer userData) {
        try {
            CountDownLatch latch = SHUTDOWNS.get(Pointer.nativeValue(userData));
            if (latch != null) {
                latch.countDown();
            }
        } catch (Throwable ignored) {
            // Nothing may escape into native code (spec G4).
        }
    }
}
