package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.port.inmemory.InMemoryPeerDirectory;

class InMemoryPeerDirectoryTest extends PeerDirectoryContract {
    private final InMemoryPeerDirectory directory = new InMemoryPeerDirectory();

    @Override
    PeerDirectory announcer() {
        return directory;
    }

    @Override
    PeerDirectory finder() {
        return directory;
    }
}
