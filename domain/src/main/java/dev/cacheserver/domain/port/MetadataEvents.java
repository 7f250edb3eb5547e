package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Changes to shared metadata announced between the processes (replicas) that share one database, so each can drop
 * what it holds in memory about a path another one changed. Announcing is best effort and never blocks: a lost
 * announcement leaves a replica serving its memory until that entry expires or is evicted. A process does not hear
 * its own announcements. With a database only one process uses, there is nobody to tell and nothing to hear.
 */
public interface MetadataEvents {

    /** Tells the other processes that the narinfo of {@code hash} in {@code cache} was saved or deleted here. */
    void narInfoChanged(CacheName cache, StorePathHash hash);

    /**
     * Tells the other processes that a token was revoked (the revocations themselves are in the database); completes
     * once sent, so a command may exit right after.
     */
    CompletionStage<Void> tokenRevoked();

    /**
     * Tells the other processes that {@code deployment} (saved in the database, Pending) was created for
     * {@code agent} here, so the one holding the agent's socket sends it.
     */
    void deploymentActivated(String agent, UUID deployment);

    /**
     * Tells the other processes that {@code deployment} reached a final status here (its log lines are stored), so
     * they close the log viewers they hold for it.
     */
    void deploymentEnded(UUID deployment);

    /** Calls {@code listener} for every change another process announces, on any thread; it must not block. */
    void subscribe(Listener listener);

    /** Hears the changes other processes made. */
    interface Listener {
        void narInfoChanged(CacheName cache, StorePathHash hash);

        /** Some token was revoked: re-read the revocations. */
        default void tokenRevoked() {
        }

        /** A deployment for {@code agent} was activated elsewhere: send it if the agent is connected here. */
        default void deploymentActivated(String agent, UUID deployment) {
        }

        /** A deployment ended elsewhere: its viewers here get the stored lines they lack, then close. */
        default void deploymentEnded(UUID deployment) {
        }
    }

    /** The events of a database nobody else uses: announcements go nowhere. */
    MetadataEvents NONE = new MetadataEvents() {
        @Override
        public void narInfoChanged(CacheName cache, StorePathHash hash) {
        }

        @Override
        public CompletionStage<Void> tokenRevoked() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void deploymentActivated(String agent, UUID deployment) {
        }

        @Override
        public void deploymentEnded(UUID deployment) {
        }

        @Override
        public void subscribe(Listener listener) {
        }
    };
}
