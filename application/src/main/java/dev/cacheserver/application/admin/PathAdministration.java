package dev.cacheserver.application.admin;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoRemoval;
import dev.cacheserver.application.port.in.DeletedPath;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.application.port.in.PathDetails;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.upload.Pin;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The paths of one cache, for {@link ManageStorePaths} (which checks the caller first). Listing goes in pages from the
 * repository (bounded memory for any cache size). Deleting refuses, with {@link ConflictException} naming them,
 * while another path of the cache references the path or a pin names it, unless forced; it goes through the same
 * {@link NarInfoRemoval} as garbage collection (stops serving at once, withdraws the DHT announcement), then deletes
 * the NAR file when no other path uses it. Unknown paths are {@link NotFoundException}, malformed ones
 * {@link InvalidInputException}. Never blocks; thread-safe.
 */
final class PathAdministration {
    static final int LISTED_REFERRERS = ManageStorePaths.LISTED_REFERRERS;
    static final int MAX_PAGE = ManageStorePaths.MAX_PAGE;
    private final CacheProfile cache;
    private final NarInfoRepository repository;
    private final NarInfoRemoval removal;
    private final NarStore store;
    private final PinRepository pins;

    PathAdministration(CacheProfile cache, NarInfoRepository repository, NarInfoRemoval removal,
                              NarStore store, PinRepository pins) {
        this.cache = cache;
        this.repository = repository;
        this.removal = removal;
        this.store = store;
        this.pins = pins;
    }

    CacheProfile cache() {
        return cache;
    }

    /**
     * A store path ({@code /nix/store/HASH-NAME}), its base name or its bare 32-character hash, as the hash;
     * anything else is {@link InvalidInputException}.
     */
    static StorePathHash hashOf(String hashOrPath) {
        String text = hashOrPath == null ? "" : hashOrPath.strip();
        if (text.startsWith(StorePath.STORE_DIR + "/")) {
            text = text.substring(StorePath.STORE_DIR.length() + 1);
        }
        String hash = text.length() > StorePathHash.LENGTH && text.charAt(StorePathHash.LENGTH) == '-'
                ? text.substring(0, StorePathHash.LENGTH) : text;
        if (!StorePathHash.isValid(hash) || text.contains("/")) {
            throw new InvalidInputException("not a store path or store path hash: '" + shorten(hashOrPath) + "'");
        }
        return new StorePathHash(hash);
    }

    /** Up to {@code limit} (at most {@link #MAX_PAGE}) paths containing {@code filter}, in hash order after {@code after}. */
    CompletionStage<List<StorePath>> list(String filter, Optional<StorePathHash> after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            return CompletableFuture.failedFuture(new InvalidInputException("limit must be a number from 1 to " + MAX_PAGE));
        }
        return repository.storePathsAfter(cache.name(), filter == null ? "" : filter, after, limit);
    }

    CompletionStage<PathDetails> info(StorePathHash hash) {
        return existing(hash).thenCompose(info -> repository.lastAccess(cache.name(), hash)
                .thenCompose(lastAccess -> referrers(hash).thenCompose(referrers -> pinsOf(hash)
                        .thenApply(pinned -> new PathDetails(info, lastAccess,
                                referrers.subList(0, Math.min(LISTED_REFERRERS, referrers.size())),
                                referrers.size() > LISTED_REFERRERS, pinned)))));
    }

    /** Deletes the path (refused while referenced or pinned unless {@code force}); completes once it is gone. */
    CompletionStage<DeletedPath> delete(StorePathHash hash, boolean force) {
        return existing(hash).thenCompose(info -> referrers(hash).thenCompose(referrers -> pinsOf(hash)
                .thenCompose(pinned -> {
                    if (!force && (!referrers.isEmpty() || !pinned.isEmpty())) {
                        throw new ConflictException(refusal(info.storePath(), referrers, pinned));
                    }
                    return removal.removeAll(List.of(hash))
                            .thenCompose(removed -> repository.narFilesInUse(cache.name(), List.of(info.narFile())))
                            .thenCompose(inUse -> inUse.isEmpty() ? store.delete(info.narFile())
                                    : CompletableFuture.completedFuture(false))
                            .thenApply(narDeleted -> new DeletedPath(info.storePath(), narDeleted,
                                    referrers.subList(0, Math.min(LISTED_REFERRERS, referrers.size()))));
                })));
    }

    private CompletionStage<NarInfo> existing(StorePathHash hash) {
        return repository.find(cache.name(), hash).thenApply(found -> found.orElseThrow(() ->
                new NotFoundException("cache " + cache.name() + " has no path " + hash)));
    }

    /** Up to one more than {@link #LISTED_REFERRERS}, as store paths (one key lookup each). */
    private CompletionStage<List<StorePath>> referrers(StorePathHash hash) {
        return repository.referrers(cache.name(), hash, LISTED_REFERRERS + 1).thenCompose(hashes -> {
            List<StorePath> paths = new ArrayList<>();
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (StorePathHash referrer : hashes) {
                chain = chain.thenCompose(v -> repository.find(cache.name(), referrer))
                        .thenAccept(found -> found.ifPresent(info -> paths.add(info.storePath())));
            }
            return chain.thenApply(v -> paths);
        });
    }

    private CompletionStage<List<Pin>> pinsOf(StorePathHash hash) {
        return pins.pins(cache.name()).thenApply(all -> all.stream()
                .filter(pin -> pin.storePath().hash().equals(hash)).toList());
    }

    private static String refusal(StorePath path, List<StorePath> referrers, List<Pin> pinned) {
        StringBuilder message = new StringBuilder(path.fullPath()).append(" is still needed: ");
        if (!referrers.isEmpty()) {
            message.append("referenced by ").append(referrers.stream().limit(LISTED_REFERRERS)
                    .map(StorePath::fullPath).collect(Collectors.joining(", ")));
            if (referrers.size() > LISTED_REFERRERS) {
                message.append(" and more");
            }
        }
        if (!pinned.isEmpty()) {
            message.append(referrers.isEmpty() ? "" : "; ").append("pinned as ").append(pinned.stream()
                    .map(Pin::name).distinct().collect(Collectors.joining(", ")));
        }
        return message.append(" (force deletes it anyway)").toString();
    }

    private static String shorten(String text) {
        String s = String.valueOf(text);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
