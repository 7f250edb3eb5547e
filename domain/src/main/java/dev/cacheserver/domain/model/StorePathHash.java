package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;

/** The 32-character nix32 hash part of a store path, e.g. {@code fx0jmpsfp0pz1icpgr67h1gfflg562vy}. */
public record StorePathHash(String value) implements Comparable<StorePathHash> {
    public static final int LENGTH = 32;

    public StorePathHash {
        if (!isValid(value)) {
            throw new InvalidInputException("invalid store path hash: " + NixHash.abbreviate(String.valueOf(value)));
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() == LENGTH && Nix32.isNix32(value);
    }

    @Override
    public int compareTo(StorePathHash o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
