package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.upload.Pin;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Pins made with {@code cachix pin}: every call adds a revision of the named pin (retention may keep the
 * last N revisions). Non-blocking; durable when a stage completes. Failures are
 * {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface PinRepository {

    CompletionStage<Void> add(Pin pin);

    /** Every pin revision of {@code cache}, oldest first. */
    CompletionStage<List<Pin>> pins(CacheName cache);
}
