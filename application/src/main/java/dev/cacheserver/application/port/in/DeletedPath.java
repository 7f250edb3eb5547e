package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePath;
import java.util.List;

/**
 * A path an operator deleted: {@code narDeleted} when its NAR file went too (no other path used it);
 * {@code referrers} are the paths that still reference it (a forced delete leaves their closures incomplete).
 */
public record DeletedPath(StorePath path, boolean narDeleted, List<StorePath> referrers) {
    public DeletedPath {
        referrers = List.copyOf(referrers);
    }
}
