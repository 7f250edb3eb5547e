package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromPeers;

/** A cache's route to cluster peers: the use case that finds and verifies, and the client that opens NAR downloads. */
public record PeerFallback(ServeFromPeers useCase, NarDownloads client) {
}
