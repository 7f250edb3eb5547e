package dev.cacheserver.domain.storage;

import java.util.OptionalLong;

/**
 * When a storage counts as full. {@code maxSize}: it may hold at most that many bytes of NARs.
 * {@code minFree}: the filesystem under a local storage must keep at least that many bytes free. A storage
 * with neither is full only when writes fail (S3 has no free space to measure: only {@code maxSize} applies).
 */
public record Capacity(OptionalLong maxSize, OptionalLong minFree) {
    public static final Capacity UNLIMITED = new Capacity(OptionalLong.empty(), OptionalLong.empty());

    /**
     * Whether a NAR of {@code incoming} bytes fits.
     *
     * @param used      bytes of NARs the storage holds now
     * @param freeBytes free bytes of the filesystem, when measurable
     */
    public boolean fits(long used, long incoming, OptionalLong freeBytes) {
        if (maxSize.isPresent() && used + incoming > maxSize.getAsLong()) {
            return false;
        }
        return minFree.isEmpty() || freeBytes.isEmpty() || freeBytes.getAsLong() - incoming >= minFree.getAsLong();
    }

    /** Whether the storage is already past a limit, for reports; a NAR of any size would not fit. */
    public boolean exhausted(long used, OptionalLong freeBytes) {
        return !fits(used, 1, freeBytes);
    }
}
