package dev.cacheserver.domain.error;

/**
 * No upstream cache could answer: each one that was asked failed, was too slow or is backing off. {@code timedOut}
 * says whether the last failure was a timeout (504) rather than a bad or refused answer (502).
 */
public final class UpstreamFailedException extends CacheServerException {
    private final boolean timedOut;

    public UpstreamFailedException(String message, boolean timedOut) {
        super(message);
        this.timedOut = timedOut;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
