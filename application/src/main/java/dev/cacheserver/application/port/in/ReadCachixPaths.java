package dev.cacheserver.application.port.in;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The single-path reads of the Cachix API: a signed narinfo as the cache's own port serves it, and where a NAR
 * of the cache is served (the API port redirects there). Read access needed (401/403 on a private cache, 404 for
 * an unknown cache); a malformed hash or NAR file name is InvalidInputException (400). Never blocks.
 */
public interface ReadCachixPaths {

    /** The signed narinfo text of {@code command.path()} (a store path hash); empty when the cache lacks it. */
    CompletionStage<Optional<byte[]>> narInfo(CachixPathCommand command);

    /** The absolute URL of the NAR file named {@code command.path()} (e.g. {@code <hash>.nar.zst}) on the cache's port. */
    CompletionStage<String> narUrl(CachixPathCommand command);

    /** One path of one cache, asked by whom. */
    record CachixPathCommand(Caller caller, String cacheName, String path) {
        public CachixPathCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cacheName, "cacheName");
            Objects.requireNonNull(path, "path");
        }
    }
}
