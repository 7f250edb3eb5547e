package dev.cacheserver.application.cachix;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One part PUT in progress: the grant it was admitted under and the spool file its bytes go to. It holds one
 * transfer slot until {@link MultipartUploads#finishPart} or {@link MultipartUploads#abandonPart} releases it.
 */
public final class PartTransfer {
    private final PartGrant grant;
    private final Path spool;
    private final Runnable releaseSlot;
    private final AtomicBoolean released = new AtomicBoolean();

    PartTransfer(PartGrant grant, Path spool, Runnable releaseSlot) {
        this.grant = grant;
        this.spool = spool;
        this.releaseSlot = releaseSlot;
    }

    public PartGrant grant() {
        return grant;
    }

    /** Where the caller writes the part's bytes. */
    public Path spool() {
        return spool;
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            releaseSlot.run();
        }
    }
}
