package dev.cacheserver.bootstrap.config;

/** An invalid configuration: the message names the key, the bad value and what is allowed. Exit code 2. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
