package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;
import java.util.regex.Pattern;

/** A cache's name: lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 chars. */
public record CacheName(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public CacheName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidInputException("invalid cache name '" + NixHash.abbreviate(String.valueOf(value))
                    + "': use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit");
        }
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
