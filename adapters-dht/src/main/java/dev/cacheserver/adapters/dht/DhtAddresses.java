package dev.cacheserver.adapters.dht;

/** The event-bus addresses of the DHT verticle; control messages only (JSON), never NAR bytes. */
public final class DhtAddresses {
    public static final String ANNOUNCE = "cache-server.dht.announce";
    public static final String WITHDRAW = "cache-server.dht.withdraw";
    public static final String FIND = "cache-server.dht.find";
    public static final String STATUS = "cache-server.dht.status";

    private DhtAddresses() {
    }
}
