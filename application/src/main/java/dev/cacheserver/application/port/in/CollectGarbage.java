package dev.cacheserver.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Use case: sweep now (the {@code gc} command and {@code POST /api/v1/admin/gc}). Sweeps the named cache, or every
 * cache one after another, and answers one report per cache; a dry run only counts what would go. Needs a server
 * admin token: AuthenticationException without a valid one, PermissionDeniedException for any other token;
 * NotFoundException for an unknown cache; IllegalStateException while a sweep of that cache runs. Never blocks.
 */
public interface CollectGarbage {

    CompletionStage<List<GcReport>> collect(Command command);

    /** Sweep {@code cache} (empty: every cache); {@code dryRun} changes nothing. */
    record Command(Caller caller, Optional<String> cache, boolean dryRun) {
        public Command {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(cache, "cache");
        }
    }
}
