package dev.cacheserver.adapters.http;

import dev.cacheserver.application.PeerFallbackUseCase;

/** A cache's route to cluster peers: the use case that finds and verifies, and the client that opens NAR downloads. */
public record PeerFallback(PeerFallbackUseCase useCase, NarDownloads client) {
}
