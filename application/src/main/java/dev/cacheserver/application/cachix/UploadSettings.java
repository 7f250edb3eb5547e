package dev.cacheserver.application.cachix;

import java.time.Duration;

/**
 * Limits of the multipart upload flow. {@code uploadExpiry}: an upload not completed by then is abandoned and
 * its parts deleted. {@code partUrlExpiry}: how long an upload URL stays valid. The maxima bound open uploads,
 * part transfers in flight and completions (assembly and verification) running; up to
 * {@code maxWaitingCompletions} more completions wait for a turn. Beyond them the client is told to retry later
 * (503 with Retry-After).
 */
public record UploadSettings(Duration uploadExpiry, Duration partUrlExpiry, int maxOpenUploads, int maxPartTransfers,
                             int maxCompletions, int maxWaitingCompletions) {
    public static UploadSettings defaults(int cores) {
        return new UploadSettings(Duration.ofHours(24), Duration.ofHours(1), 4096, 64, Math.max(2, cores), 64);
    }
}
