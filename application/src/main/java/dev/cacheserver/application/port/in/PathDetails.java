package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.upload.Pin;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator sees of one stored path: its narinfo, when it was last read or pushed, the paths that reference
 * it ({@code referrers}, at most {@link ManageStorePaths#LISTED_REFERRERS}; {@code moreReferrers} when there are
 * more) and the pin revisions that name it.
 */
public record PathDetails(NarInfo narInfo, Optional<Instant> lastAccess, List<StorePath> referrers,
                          boolean moreReferrers, List<Pin> pins) {
    public PathDetails {
        referrers = List.copyOf(referrers);
        pins = List.copyOf(pins);
    }
}
