package dev.cacheserver.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The bulk existence query of {@code cachix push} ({@code POST /api/v1/cache/{name}/narinfo}): which of the given
 * store path hashes have no narinfo in the cache, each once, in the order asked. One repository query per call.
 * Read access needed; a malformed hash or more than {@code MAX_HASHES} hashes is InvalidInputException (400).
 */
public interface FindMissingPaths {
    /** The most hashes one query may hold; the client sends at most 32768 per call. */
    int MAX_HASHES = 65_536;

    CompletionStage<List<String>> missing(FindMissingPathsCommand command);

    /** {@code hashes}: the 32-character store path hashes the client asks about. */
    record FindMissingPathsCommand(Caller caller, String cacheName, List<String> hashes) {
        public FindMissingPathsCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cacheName, "cacheName");
            hashes = List.copyOf(hashes);
        }
    }
}
