package dev.cacheserver.domain.narinfo;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Nix32;
import dev.cacheserver.domain.model.StorePath;
import java.util.Map;

/**
 * Syntax checks of the optional narinfo fields that no other type validates: CA, Deriver, System and the
 * reference names. Shared by the narinfo text and the Cachix JSON readers, so both refuse the same input with
 * the same {@link InvalidInputException} naming the field. A CA that Nix cannot parse would be signed and served,
 * and every {@code nix-store -r} of the path would then fail on it.
 */
public final class NarInfoFields {
    /** Nix writes this when a path has no known deriver, and reads it back as absent. */
    public static final String UNKNOWN_DERIVER = "unknown-deriver";
    private static final int MAX_SYSTEM_LENGTH = 64;
    /** Digest sizes of the algorithms Nix accepts in a content address. */
    private static final Map<String, Integer> DIGEST_BYTES = Map.of("md5", 16, "sha1", 20, "sha256", 32, "sha512", 64);

    private NarInfoFields() {
    }

    /**
     * Checks a content address, {@code fixed:[r:]<algo>:<hash>} or {@code text:sha256:<hash>}, with the hash in
     * nix32 or base16 and of the algorithm's length. Returns it unchanged.
     */
    public static String contentAddress(String field, String ca) {
        String rest;
        boolean text = ca.startsWith("text:");
        if (text) {
            rest = ca.substring(5);
        } else if (ca.startsWith("fixed:r:")) {
            rest = ca.substring(8);
        } else if (ca.startsWith("fixed:")) {
            rest = ca.substring(6);
        } else {
            throw invalidCa(field, ca, "must start with fixed: or text:");
        }
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw invalidCa(field, ca, "must be <method>:<algo>:<hash>");
        }
        String algo = rest.substring(0, colon);
        String hash = rest.substring(colon + 1);
        Integer bytes = DIGEST_BYTES.get(algo);
        if (bytes == null) {
            throw invalidCa(field, ca, "the hash algorithm must be md5, sha1, sha256 or sha512");
        }
        if (text && !algo.equals("sha256")) {
            throw invalidCa(field, ca, "a text: content address uses sha256");
        }
        if (!isBase16(hash, bytes) && !isNix32(hash, bytes)) {
            throw invalidCa(field, ca, "the hash must be the " + Nix32.encodedLength(bytes) + " nix32 or "
                    + (bytes * 2) + " hex digits of a " + algo + " digest");
        }
        return ca;
    }

    /** The deriver's base name ({@code <hash>-<name>.drv}), or null when absent or {@value #UNKNOWN_DERIVER}. */
    public static String deriver(String field, String value) {
        if (value == null || value.isEmpty() || value.equals(UNKNOWN_DERIVER)) {
            return null;
        }
        StorePath path;
        try {
            path = StorePath.parse(value);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(field + ": " + e.getMessage());
        }
        if (!path.name().endsWith(".drv")) {
            throw new InvalidInputException(field + " must be a derivation (a store path ending in .drv): "
                    + shorten(value));
        }
        return path.baseName();
    }

    /** A system type such as {@code x86_64-linux}, {@code aarch64-darwin} or {@code builtin}. */
    public static String system(String field, String value) {
        if (value.isEmpty() || value.length() > MAX_SYSTEM_LENGTH || !value.matches("[A-Za-z0-9_.+-]+")) {
            throw new InvalidInputException(field + " is not a valid system type (e.g. x86_64-linux): "
                    + shorten(value));
        }
        return value;
    }

    /** A reference: a store path base name {@code <32 nix32 chars>-<name>}, or a full path in the store. */
    public static StorePath reference(String field, String value) {
        try {
            return StorePath.parse(value);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(field + ": " + e.getMessage());
        }
    }

    private static boolean isBase16(String hash, int bytes) {
        if (hash.length() != bytes * 2) {
            return false;
        }
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNix32(String hash, int bytes) {
        if (hash.length() != Nix32.encodedLength(bytes) || !Nix32.isNix32(hash)) {
            return false;
        }
        try {
            Nix32.decode(hash, bytes);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static InvalidInputException invalidCa(String field, String ca, String why) {
        return new InvalidInputException(field + " is not a valid content address (" + why + "): " + shorten(ca));
    }

    static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
