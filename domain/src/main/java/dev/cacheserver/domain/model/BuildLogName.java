package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;

/**
 * The name of a build log in a binary cache: the base name of the derivation it belongs to,
 * {@code <hash>-<name>.drv}, as {@code nix store copy-log} uploads it to {@code log/<name>}.
 */
public record BuildLogName(StorePath derivation) {
    public BuildLogName {
        if (derivation == null || !derivation.name().endsWith(".drv")) {
            throw new InvalidInputException("a build log is named after a derivation: <hash>-<name>.drv");
        }
    }

    /** Parses a derivation's base name (or full path); bad names are an {@link InvalidInputException}. */
    public static BuildLogName parse(String text) {
        return new BuildLogName(StorePath.parse(text));
    }

    public String value() {
        return derivation.baseName();
    }

    @Override
    public String toString() {
        return value();
    }
}
