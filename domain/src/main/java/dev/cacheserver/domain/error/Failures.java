package dev.cacheserver.domain.error;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What failed, under the wrappers that futures put around it. */
public final class Failures {
    private Failures() {
    }

    /**
     * The failure a {@link CompletionException} or {@link ExecutionException} (nested any number of times) carries;
     * {@code failure} itself when it is neither or carries nothing.
     */
    public static Throwable cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
