package dev.cacheserver.application.admin;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.DeletedPath;
import dev.cacheserver.application.port.in.ManageStorePaths;
import dev.cacheserver.application.port.in.PathDetails;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@link ManageStorePaths} over the running caches: the caller is checked, then the cache's paths are asked. */
final class PathAdminService implements ManageStorePaths {
    private final Map<String, PathAdministration> caches;
    private final AccessPolicy access;

    PathAdminService(List<PathAdministration> caches, AccessPolicy access) {
        this.caches = caches.stream().collect(Collectors.toUnmodifiableMap(c -> c.cache().name().value(),
                Function.identity()));
        this.access = access;
    }

    @Override
    public CompletionStage<List<StorePath>> list(ListCommand command) {
        return run(command.caller(), command.cache(), admin -> admin.list(command.filter(),
                command.after().filter(after -> !after.isEmpty()).map(PathAdministration::hashOf), command.limit()));
    }

    @Override
    public CompletionStage<PathDetails> info(InfoCommand command) {
        return run(command.caller(), command.cache(), admin -> admin.info(PathAdministration.hashOf(command.path())));
    }

    @Override
    public CompletionStage<DeletedPath> delete(DeleteCommand command) {
        return run(command.caller(), command.cache(),
                admin -> admin.delete(PathAdministration.hashOf(command.path()), command.force()));
    }

    /** The caller first (an unknown cache is not revealed to a caller without an admin token), then the cache. */
    private <T> CompletionStage<T> run(Caller caller, String cache, Function<PathAdministration, CompletionStage<T>> op) {
        try {
            access.checkAdmin(caller.token());
            PathAdministration admin = caches.get(cache);
            if (admin == null) {
                throw new NotFoundException("no cache named '" + cache + "'");
            }
            return op.apply(admin);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
