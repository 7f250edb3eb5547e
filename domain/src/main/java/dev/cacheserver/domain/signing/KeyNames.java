package dev.cacheserver.domain.signing;

import dev.cacheserver.domain.error.InvalidInputException;

/** Key names as Nix accepts them: non-empty, no colon, no whitespace. */
final class KeyNames {
    private KeyNames() {
    }

    static void check(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) {
            throw new InvalidInputException("key name must be 1-255 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' || c <= ' ' || c >= 127) {
                throw new InvalidInputException("key name contains an invalid character: " + name);
            }
        }
    }
}
