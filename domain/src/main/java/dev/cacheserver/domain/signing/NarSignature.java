package dev.cacheserver.domain.signing;

import dev.cacheserver.domain.error.InvalidInputException;
import java.util.Base64;

/** One {@code Sig:} value: {@code <key name>:<base64 of a 64-byte Ed25519 signature>}. */
public record NarSignature(String keyName, byte[] signature) {
    public NarSignature {
        KeyNames.check(keyName);
        if (signature == null || signature.length != 64) {
            throw new InvalidInputException("a signature has 64 bytes");
        }
        signature = signature.clone();
    }

    public static NarSignature parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("signature must be <key name>:<base64>, got: " + shorten(text));
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("signature is not valid base64: " + shorten(text));
        }
        if (bytes.length != 64) {
            throw new InvalidInputException("signature must be 64 bytes, got " + bytes.length + ": " + shorten(text));
        }
        return new NarSignature(text.substring(0, colon), bytes);
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public String toString() {
        return keyName + ":" + Base64.getEncoder().encodeToString(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NarSignature s && s.keyName.equals(keyName) && java.util.Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return keyName.hashCode() * 31 + java.util.Arrays.hashCode(signature);
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
