package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A SHA-256 digest as Nix writes it: {@code sha256:<nix32>}. Parses the forms Nix and cachix send
 * ({@code sha256:<nix32>}, {@code sha256:<hex>}, SRI {@code sha256-<base64>}, bare hex or bare nix32).
 */
public record NixHash(byte[] bytes) {
    public static final int SIZE = 32;

    public NixHash {
        if (bytes == null || bytes.length != SIZE) {
            throw new IllegalArgumentException("a sha256 digest has 32 bytes");
        }
        bytes = bytes.clone();
    }

    public static NixHash parse(String field, String text) {
        if (text == null) {
            throw new InvalidInputException(field + " is missing");
        }
        String body = text;
        if (text.startsWith("sha256:")) {
            body = text.substring(7);
        } else if (text.startsWith("sha256-")) {
            try {
                return new NixHash(Base64.getDecoder().decode(text.substring(7)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(field + " is not a valid SRI sha256 hash: " + abbreviate(text));
            }
        } else if (text.contains(":")) {
            throw new InvalidInputException(field + " must be a sha256 hash, got " + abbreviate(text));
        }
        try {
            if (body.length() == 64 && body.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return new NixHash(HexFormat.of().parseHex(body.toLowerCase()));
            }
            if (body.length() == 52) {
                return new NixHash(Nix32.decode(body, SIZE));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the common message
        }
        throw new InvalidInputException(field + " is not a valid sha256 hash (nix32 or hex): " + abbreviate(text));
    }

    public static NixHash of(MessageDigest sha256) {
        return new NixHash(sha256.digest());
    }

    public String nix32() {
        return Nix32.encode(bytes);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The Nix form {@code sha256:<nix32>}, as in NarHash and FileHash lines and in fingerprints. */
    @Override
    public String toString() {
        return "sha256:" + nix32();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NixHash other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
