package dev.cacheserver.application.port.in;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The original server's DHT calls, kept for compatibility: {@code get} lists the URLs of the caches that
 * announced a store path hash (empty: none, or standalone, or not a store path hash; no token needed);
 * {@code put} needs an admin token and is always refused with NotSupportedException (501), because this server
 * announces its own paths and never puts client records into the network. Never blocks.
 */
public interface QueryOriginalDht {

    CompletionStage<Optional<List<String>>> get(DhtGetCommand command);

    /**
     * Fails with AuthenticationException (401) or PermissionDeniedException (403) unless the caller has an admin
     * token: lets the adapter refuse before it parses the body.
     */
    void authorizePut(Caller caller);

    /** Checks the admin token (401/403), then the fields (400), then refuses (501). */
    CompletionStage<Void> put(DhtPutCommand command);

    /** {@code key}: what the client asked for, a store path hash if it is valid. */
    record DhtGetCommand(Caller caller, String key) {
        public DhtGetCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** {@code key} and {@code value} as the client sent them (null when missing). */
    record DhtPutCommand(Caller caller, String key, String value) {
        public DhtPutCommand {
            Objects.requireNonNull(caller, "caller");
        }
    }
}
