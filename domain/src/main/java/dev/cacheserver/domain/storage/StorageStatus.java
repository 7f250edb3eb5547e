package dev.cacheserver.domain.storage;

/**
 * What a placement strategy knows about one storage of a cache at the moment a NAR is placed: its name,
 * the bytes and NAR files it holds, its {@code split} share (0 when unused) and whether it can take the NAR
 * now ({@code false} when full or failing).
 */
public record StorageStatus(String name, long usedBytes, long objects, int splitPercent, boolean accepting) {
    public StorageStatus {
        if (usedBytes < 0 || objects < 0) {
            throw new IllegalArgumentException("usage of " + name + " is negative");
        }
        if (splitPercent < 0 || splitPercent > 100) {
            throw new IllegalArgumentException("split of " + name + " is not a percentage: " + splitPercent);
        }
    }
}
