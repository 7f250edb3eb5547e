package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.concurrent.CompletionStage;

/**
 * Publishes a narinfo uploaded by a client ({@code PUT /<hash>.narinfo}). The narinfo is parsed and checked,
 * its NAR must be stored with the claimed FileHash and FileSize, the NAR's content must match NarHash and
 * NarSize, then it is signed with the cache key (keeping the client's signatures), saved durably and served.
 * Fails with InvalidInputException (malformed, wrong hash in the URL, NAR absent), HashMismatchException
 * (content does not match) or StorageException. Nothing is published when it fails.
 */
public interface PublishNarInfoUseCase {
    CompletionStage<NarInfo> publish(StorePathHash urlHash, String narInfoText);
}
