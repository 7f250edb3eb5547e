package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;

/**
 * A store path's base name {@code <hash>-<name>} (the form used in References and Deriver lines). The name
 * follows Nix's rules: at most 211 characters of {@code [A-Za-z0-9+-._?=]}, not starting with a dot.
 */
public record StorePath(StorePathHash hash, String name) implements Comparable<StorePath> {
    public static final String STORE_DIR = "/nix/store";

    public StorePath {
        if (hash == null) {
            throw new InvalidInputException("store path hash is missing");
        }
        if (!isValidName(name)) {
            throw new InvalidInputException("invalid store path name: " + NixHash.abbreviate(String.valueOf(name)));
        }
    }

    /** Parses {@code hash-name} or {@code /nix/store/hash-name}. */
    public static StorePath parse(String text) {
        if (text == null) {
            throw new InvalidInputException("store path is missing");
        }
        String base = text.startsWith(STORE_DIR + "/") ? text.substring(STORE_DIR.length() + 1) : text;
        if (base.length() < StorePathHash.LENGTH + 2 || base.charAt(StorePathHash.LENGTH) != '-') {
            throw new InvalidInputException("invalid store path: " + NixHash.abbreviate(text));
        }
        return new StorePath(new StorePathHash(base.substring(0, StorePathHash.LENGTH)),
                base.substring(StorePathHash.LENGTH + 1));
    }

    static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 211 || name.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public String baseName() {
        return hash.value() + "-" + name;
    }

    public String fullPath() {
        return STORE_DIR + "/" + baseName();
    }

    @Override
    public int compareTo(StorePath o) {
        return baseName().compareTo(o.baseName());
    }

    @Override
    public String toString() {
        return baseName();
    }
}
