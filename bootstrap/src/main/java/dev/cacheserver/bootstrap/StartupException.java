package dev.cacheserver.bootstrap;

/** The server cannot start for a reason the operator can fix; the message says which and how. */
final class StartupException extends RuntimeException {
    StartupException(String message) {
        super(message);
    }

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
