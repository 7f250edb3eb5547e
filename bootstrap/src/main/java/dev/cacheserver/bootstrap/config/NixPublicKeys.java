package dev.cacheserver.bootstrap.config;

import java.util.Base64;

/**
 * Checks the form of a Nix public key, {@code name:base64}, as in {@code trusted-public-keys}: a non-empty name
 * without a colon, and standard base64 decoding to the 32 bytes of an ed25519 public key.
 */
final class NixPublicKeys {
    static final String FORMAT = "a Nix public key name:base64, e.g. cache.example.org-1:<44 base64 characters>";
    private static final int ED25519_PUBLIC_KEY_BYTES = 32;

    private NixPublicKeys() {
    }

    static String check(String text) {
        String key = text.strip();
        int colon = key.indexOf(':');
        if (colon <= 0 || colon != key.lastIndexOf(':')) {
            throw new IllegalArgumentException("must be " + FORMAT);
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(key.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a key part that is not valid base64; it must be " + FORMAT);
        }
        if (decoded.length != ED25519_PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("has a key part of " + decoded.length + " bytes, but an ed25519 public key "
                    + "has " + ED25519_PUBLIC_KEY_BYTES + "; it must be " + FORMAT);
        }
        return key;
    }
}
