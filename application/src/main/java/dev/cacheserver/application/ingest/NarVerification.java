package dev.cacheserver.application.ingest;

import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.HashMismatchException;

/** Checks received bytes against what was claimed for them: FileSize (when stated), then FileHash. */
final class NarVerification {
    private NarVerification() {
    }

    /** Throws HashMismatchException naming the claimant and what arrived. */
    static void check(NarClaim claim, SpooledBytes bytes) {
        var origin = claim.origin();
        if (claim.fileSize().isPresent() && claim.fileSize().getAsLong() != bytes.size()) {
            throw new HashMismatchException(origin.sizeField() + " mismatch: " + origin.claimant() + " says "
                    + claim.fileSize().getAsLong() + " bytes but the " + origin.bytes() + " are " + bytes.size());
        }
        if (!claim.file().fileHash().equals(bytes.fileHash())) {
            throw new HashMismatchException(origin.hashField() + " mismatch: " + origin.claimant() + " names "
                    + claim.file().fileHash() + " but the " + bytes.size() + " " + origin.bytes() + " hash to "
                    + bytes.fileHash());
        }
    }
}
