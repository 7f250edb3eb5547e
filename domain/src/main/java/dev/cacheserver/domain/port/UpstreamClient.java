package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.StorePathHash;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads from an upstream Nix binary cache (cache.nixos.org, another cache-server, nginx serving a {@code file://}
 * cache, Attic) over HTTP(S). Answers are returned as sent, unchecked: verifying them is the caller's job. A narinfo is
 * empty when the upstream answers 404 (or 403, as S3 buckets do for a missing key). Fails with
 * {@link dev.cacheserver.domain.error.UpstreamFailedException} when the upstream cannot be reached, answers
 * anything else, sends more than a narinfo's size limit, or is silent for longer than the client's timeout
 * ({@code timedOut()} then true). Non-blocking; stages may complete on any thread.
 */
public interface UpstreamClient {

    CompletionStage<Optional<String>> fetchNarInfo(URI upstream, StorePathHash hash);

    /** The upstream's {@code nix-cache-info} text. */
    CompletionStage<String> fetchCacheInfo(URI upstream);
}
