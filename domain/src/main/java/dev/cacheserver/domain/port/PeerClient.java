package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.StorePathHash;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Fetches narinfos from another cache node over the Nix binary-cache protocol ({@code GET <url>/<hash>.narinfo}).
 * The text is returned as the peer sent it, unchecked: verifying it is the caller's job. Empty when the peer
 * answers 404. Fails with {@link dev.cacheserver.domain.error.UnavailableException} when the peer cannot be
 * reached, answers anything else, sends more than a narinfo's size limit or is slower than the client's bounded
 * timeout. Non-blocking; stages may complete on any thread.
 */
public interface PeerClient {

    CompletionStage<Optional<String>> fetchNarInfo(URI cacheUrl, StorePathHash hash);
}
