package dev.cacheserver.adapters.dht;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * The subset of OpenDHT's C API ({@code libopendht-c.so.2}, 2.4.12) this adapter uses, mapped for JNA as
 * measured in specs/opendht-c-api.md: C {@code bool} is a byte in structs, returns and callback arguments;
 * {@code size_t} is a long (LP64); structs returned by value use {@code ByValue} types.
 */
@SuppressWarnings({"checkstyle:MethodName", "unused"})
interface OpenDhtC extends Library {
    String SONAME = "libopendht-c.so.2";

    String dht_version();

    Pointer dht_value_new(byte[] data, long size);

    void dht_value_unref(Pointer value);

    DhtDataView.ByValue dht_value_get_data(Pointer value);

    long dht_value_get_id(Pointer value);

    void dht_runner_config_default(DhtRunnerConfig config);

    Pointer dht_runner_new();

    int dht_runner_run_config(Pointer runner, int port, DhtRunnerConfig config);

    void dht_runner_bootstrap(Pointer runner, String host, String service);

    void dht_runner_ping(Pointer runner, Pointer sockaddr, int length, DoneCallback done, Pointer userData);

    void dht_runner_get(Pointer runner, DhtInfoHash hash, GetCallback callback, DoneCallback done, Pointer userData);

    void dht_runner_put(Pointer runner, DhtInfoHash hash, Pointer value, DoneCallback done, Pointer userData,
                        boolean permanent);

    void dht_runner_cancel_put(Pointer runner, DhtInfoHash hash, long valueId);

    void dht_runner_shutdown(Pointer runner, ShutdownCallback done, Pointer userData);

    void dht_runner_delete(Pointer runner);

    DhtInfoHash.ByValue dht_runner_get_node_id(Pointer runner);

    short dht_runner_get_bound_port(Pointer runner, int addressFamily);

    String dht_infohash_print(DhtInfoHash hash);

    interface GetCallback extends Callback {
        byte invoke(Pointer value, Pointer userData);
    }

    interface DoneCallback extends Callback {
        void invoke(byte ok, Pointer userData);
    }

    interface ShutdownCallback extends Callback {
        void invoke(Pointer userData);
    }

    @Structure.FieldOrder({"d"})
    class DhtInfoHash extends Structure {
        public byte[] d = new byte[20];

        public static class ByValue extends DhtInfoHash implements Structure.ByValue {
        }

        static DhtInfoHash of(byte[] sha1) {
            DhtInfoHash hash = new DhtInfoHash();
            System.arraycopy(sha1, 0, hash.d, 0, 20);
            hash.write();
            return hash;
        }
    }

    @Structure.FieldOrder({"data", "size"})
    class DhtDataView extends Structure {
        public Pointer data;
        public long size;

        public static class ByValue extends DhtDataView implements Structure.ByValue {
        }
    }

    @Structure.FieldOrder({"privatekey", "certificate"})
    class DhtIdentity extends Structure {
        public Pointer privatekey;
        public Pointer certificate;
    }

    @Structure.FieldOrder({"node_id", "network", "is_bootstrap", "maintain_storage", "persist_path"})
    class DhtNodeConfig extends Structure {
        public DhtInfoHash node_id = new DhtInfoHash();
        public int network;
        public byte is_bootstrap;
        public byte maintain_storage;
        public String persist_path;
    }

    @Structure.FieldOrder({"node_config", "id"})
    class DhtSecureConfig extends Structure {
        public DhtNodeConfig node_config = new DhtNodeConfig();
        public DhtIdentity id = new DhtIdentity();
    }

    @Structure.FieldOrder({"dht_config", "threaded", "proxy_server", "push_node_id", "push_token", "push_topic",
            "push_platform", "peer_discovery", "peer_publish", "server_ca", "client_identity", "log"})
    class DhtRunnerConfig extends Structure {
        public DhtSecureConfig dht_config = new DhtSecureConfig();
        public byte threaded;
        public String proxy_server;
        public String push_node_id;
        public String push_token;
        public String push_topic;
        public String push_platform;
        public byte peer_discovery;
        public byte peer_publish;
        public Pointer server_ca;
        public DhtIdentity client_identity = new DhtIdentity();
        public byte log;
    }
}
