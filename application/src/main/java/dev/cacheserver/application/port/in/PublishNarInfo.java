package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * {@code PUT /<hash>.narinfo}: publishes a narinfo a client uploaded. {@link #authorizeUpload} is asked before the
 * body is read; {@link #publish} asks again. The narinfo is parsed and checked, its NAR must be stored with the
 * claimed FileHash and FileSize and its content must match NarHash and NarSize; then it is signed with the cache key
 * (keeping the client's signatures), saved durably and served. The stage fails with AuthenticationException,
 * PermissionDeniedException, InvalidInputException (malformed, wrong hash in the URL, NAR absent),
 * HashMismatchException (content does not match) or StorageException; nothing is published then.
 */
public interface PublishNarInfo extends AuthorizeUpload {
    CompletionStage<NarInfo> publish(PublishNarInfoCommand command);

    /** {@code urlHash}: the hash in the request's URL, which must be the narinfo's. */
    record PublishNarInfoCommand(Caller caller, StorePathHash urlHash, String narInfoText) {
        public PublishNarInfoCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(urlHash, "urlHash");
            Objects.requireNonNull(narInfoText, "narInfoText");
        }
    }
}
