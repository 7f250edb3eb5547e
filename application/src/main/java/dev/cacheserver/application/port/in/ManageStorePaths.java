package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.StorePath;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Use case: an operator lists, inspects and deletes the stored paths of one cache (the {@code path} command and the
 * {@code /api/v1/admin/caches/NAME/paths} API). Every call needs a server admin token (AuthenticationException
 * without a valid one, PermissionDeniedException for any other token), checked before anything else. An unknown
 * cache or path is NotFoundException; a path that is neither a store path, its base name nor its hash, or a limit
 * outside 1 to {@link #MAX_PAGE}, InvalidInputException. Deleting refuses with ConflictException, naming the
 * referrers and pins, while another path of the cache references the path or a pin names it, unless forced; it
 * stops serving the path at once and withdraws its announcement, then deletes its NAR when no other path uses it.
 * Listing goes in pages from the database: memory does not grow with the cache. Never blocks.
 */
public interface ManageStorePaths {
    /** The most paths one page lists. */
    int MAX_PAGE = 10_000;
    /** The most referrers a detail or a refusal names. */
    int LISTED_REFERRERS = 20;

    /** Up to {@code limit} paths containing {@code filter}, in hash order after the hash {@code after}. */
    CompletionStage<List<StorePath>> list(ListCommand command);

    CompletionStage<PathDetails> info(InfoCommand command);

    /** Completes once the path is gone. */
    CompletionStage<DeletedPath> delete(DeleteCommand command);

    /** {@code after}: a store path or hash, as the previous page's last path (empty: from the start). */
    record ListCommand(Caller caller, String cache, String filter, Optional<String> after, int limit) {
        public ListCommand {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(after, "after");
            filter = filter == null ? "" : filter;
        }
    }

    /** {@code path}: a store path ({@code /nix/store/HASH-NAME}), its base name or its 32-character hash. */
    record InfoCommand(Caller caller, String cache, String path) {
        public InfoCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** {@code force}: delete even while referenced or pinned. */
    record DeleteCommand(Caller caller, String cache, String path, boolean force) {
        public DeleteCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }
}
