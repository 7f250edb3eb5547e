package dev.cacheserver.application.access;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.domain.auth.Permission;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The access policy of one cache, as the services behind the inbound ports ask it: each method returns when the
 * caller may do that, and throws AuthenticationException (401) or PermissionDeniedException (403) otherwise; the
 * {@code after...} forms turn the refusal into the failure of the stage they return. Thread-safe; never blocks.
 */
public final class CacheAccess {
    private final CacheProfile cache;
    private final AccessPolicy policy;

    public CacheAccess(CacheProfile cache, AccessPolicy policy) {
        this.cache = cache;
        this.policy = policy;
    }

    public void read(Caller caller) {
        policy.check(cache, Permission.READ, caller.token());
    }

    public void write(Caller caller) {
        policy.check(cache, Permission.WRITE, caller.token());
    }

    public void admin(Caller caller) {
        policy.checkAdmin(caller.token());
    }

    /** {@code work} once {@code caller} may read; a refusal is the stage's failure. */
    public <T> CompletionStage<T> afterRead(Caller caller, Supplier<CompletionStage<T>> work) {
        try {
            read(caller);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return work.get();
    }

    /** {@code work} once {@code caller} may write; a refusal is the stage's failure. */
    public <T> CompletionStage<T> afterWrite(Caller caller, Supplier<CompletionStage<T>> work) {
        try {
            write(caller);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return work.get();
    }

    public CacheProfile cache() {
        return cache;
    }
}
