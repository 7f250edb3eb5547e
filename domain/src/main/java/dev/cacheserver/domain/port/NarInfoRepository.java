package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Durable narinfos, per cache, keyed by store path hash. {@code save} replaces an existing entry (Nix re-PUTs
 * narinfos to add signatures) and is durable when its stage completes. Nothing here returns a whole cache: every
 * query is one key lookup, one bounded batch or one page, so callers hold at most a page of a cache of any size.
 * Non-blocking; stages may complete on any thread. Failures are {@link dev.cacheserver.domain.error.StorageException}.
 */
public interface NarInfoRepository {

    CompletionStage<Void> save(CacheName cache, NarInfo info);

    /** One primary-key lookup. */
    CompletionStage<Optional<NarInfo>> find(CacheName cache, StorePathHash hash);

    /** How many paths {@code cache} holds. */
    CompletionStage<Long> count(CacheName cache);

    /**
     * A page of a scan by key: up to {@code limit} hashes of {@code cache} in ascending order, strictly after
     * {@code after} (from the first when empty). Pass the last hash of a page to get the next; an empty page ends
     * the scan. Paths added or removed meanwhile may or may not appear.
     */
    CompletionStage<List<StorePathHash>> hashesAfter(CacheName cache, Optional<StorePathHash> after, int limit);

    /** The subset of {@code hashes} that {@code cache} does not hold, in one query (batch existence). */
    CompletionStage<Set<StorePathHash>> findMissing(CacheName cache, Collection<StorePathHash> hashes);

    /**
     * The closure of {@code roots} within {@code cache}: the roots the cache holds and every held path they
     * reference, transitively. Paths referenced but not held are left out. One query.
     */
    CompletionStage<Set<StorePathHash>> closure(CacheName cache, Collection<StorePathHash> roots);

    /** Up to {@code limit} other paths of {@code cache} whose references include {@code hash} (an indexed query). */
    CompletionStage<List<StorePathHash>> referrers(CacheName cache, StorePathHash hash, int limit);

    /** Up to {@code limit} paths of {@code cache} whose narinfo points at {@code file} (an indexed query). */
    CompletionStage<List<StorePathHash>> pathsUsing(CacheName cache, NarFile file, int limit);

    /** The subset of {@code files} that some narinfo of {@code cache} points at, in one query. */
    CompletionStage<Set<NarFile>> narFilesInUse(CacheName cache, Collection<NarFile> files);

    /** True when something was deleted. */
    CompletionStage<Boolean> delete(CacheName cache, StorePathHash hash);

    /** Deletes every listed path of {@code cache} in one transaction; returns how many existed. */
    CompletionStage<Integer> deleteAll(CacheName cache, Collection<StorePathHash> hashes);

    /**
     * Records reads: raises the last-access time of each path to the given instant (never lowers it), in one
     * transaction. Paths that no longer exist are ignored. A save counts as an access by itself.
     */
    CompletionStage<Void> touch(CacheName cache, Map<StorePathHash, Instant> accessedAt);

    /** {@link #touch} for NAR downloads: raises the last access of every path whose narinfo points at each file. */
    CompletionStage<Void> touchNars(CacheName cache, Map<NarFile, Instant> readAt);

    /**
     * Starts a garbage-collection mark of {@code cache}: forgets the marks of any earlier (possibly interrupted)
     * sweep. Marks are durable scratch state, not part of the cache's content.
     */
    CompletionStage<Void> clearKeepMarks(CacheName cache);

    /**
     * Marks as kept every path accessed (read or saved) at or after {@code accessedSince}, every path in
     * {@code pinned}, and everything they reference, transitively. Adds to the existing marks, so calling it again
     * with a later instant marks only what was accessed since (and its closure) cheaply. Returns how many paths
     * {@code cache} holds.
     */
    CompletionStage<Long> markKept(CacheName cache, Instant accessedSince, Collection<StorePathHash> pinned);

    /**
     * A page of the paths a sweep may delete: not marked kept and last accessed before {@code accessedBefore} (a
     * path saved after the marks were made is never in it), in ascending hash order strictly after {@code after}.
     */
    CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedBefore, Optional<StorePathHash> after,
                                                int limit);

    /**
     * Like {@link #unmarkedPage(CacheName, Instant, Optional, int)}, limited to paths last accessed at or after
     * {@code accessedSince} (a sweep tells the paths it removes for age from those it removes for size).
     */
    CompletionStage<List<NarInfo>> unmarkedPage(CacheName cache, Instant accessedSince, Instant accessedBefore,
                                                Optional<StorePathHash> after, int limit);

    /**
     * A page of the store paths of {@code cache} whose full path contains {@code filter} (empty: all), in
     * ascending hash order strictly after {@code after}. An empty page ends the listing.
     */
    CompletionStage<List<StorePath>> storePathsAfter(CacheName cache, String filter, Optional<StorePathHash> after,
                                                     int limit);

    /** When the path was last read or saved; empty when {@code cache} does not hold it. */
    CompletionStage<Optional<Instant>> lastAccess(CacheName cache, StorePathHash hash);

    /** The FileSize sum of the NAR files the paths of {@code cache} point at, a file shared by paths counted once. */
    CompletionStage<Long> storedBytes(CacheName cache);

    /** {@link #storedBytes} of the NAR files that marked (kept) paths point at. */
    CompletionStage<Long> keptBytes(CacheName cache);

    /**
     * Up to {@code limit} unmarked paths last accessed in [{@code accessedSince}, {@code accessedBefore}), the most
     * recently accessed first (ties in hash order). Marking paths removes them from the next call's answer.
     */
    CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                           Instant accessedBefore, int limit);

    /**
     * {@link #unmarkedByRecency(CacheName, Instant, Instant, int)} continued after {@code after}, the last path of
     * the previous page, every path of which has been marked since: the answer is the same as without it, but the
     * repository may start from that path's position instead of passing over the marked ones again (a sweep that
     * walks a large cache page by page stays linear). A path no longer stored is no position: from the top.
     */
    CompletionStage<List<StorePathHash>> unmarkedByRecency(CacheName cache, Instant accessedSince,
                                                           Instant accessedBefore, Optional<StorePathHash> after,
                                                           int limit);

    /**
     * Takes {@code paths} in order and marks each, with the unmarked paths of its closure, as kept while the NAR
     * bytes this adds to the kept set (files no marked path uses yet, each counted once) stay within
     * {@code budget}; the first path that does not fit is not marked and ends the call. One transaction.
     */
    CompletionStage<KeptWithin> markKeptWithin(CacheName cache, List<StorePathHash> paths, long budget);

    /** What {@link #markKeptWithin} did: the bytes it added to the kept set, and whether a path did not fit. */
    record KeptWithin(long bytes, boolean budgetReached) {
    }
}
