package dev.cacheserver.application.cachix;

import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.application.port.in.UploadNarParts;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One part PUT in progress: the grant it was admitted under and the spool file its bytes go to. It holds one
 * transfer slot until {@link PartAdmission#finish} or {@link PartAdmission#abandon} releases it (once).
 */
final class PartTransfer implements UploadNarParts.PartTransfer {
    private final PartGrant grant;
    private final Path spool;
    private final Runnable releaseSlot;
    private final AtomicBoolean released = new AtomicBoolean();

    PartTransfer(PartGrant grant, Path spool, Runnable releaseSlot) {
        this.grant = grant;
        this.spool = spool;
        this.releaseSlot = releaseSlot;
    }

    @Override
    public PartGrant grant() {
        return grant;
    }

    @Override
    public Path spool() {
        return spool;
    }

    void release() {
        if (released.compareAndSet(false, true)) {
            releaseSlot.run();
        }
    }
}
