package dev.cacheserver.domain.signing;

import dev.cacheserver.domain.error.InvalidInputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** An Ed25519 public key in Nix format {@code name:base64(32 bytes)}, as in {@code trusted-public-keys}. */
public final class PublicSigningKey {
    private final String name;
    private final byte[] raw;
    private final PublicKey key;

    public PublicSigningKey(String name, byte[] raw) {
        KeyNames.check(name);
        if (raw == null || raw.length != 32) {
            throw new InvalidInputException("an Ed25519 public key has 32 bytes");
        }
        this.name = name;
        this.raw = raw.clone();
        this.key = toJdkKey(this.raw);
    }

    public static PublicSigningKey parse(String text) {
        String trimmed = text.strip();
        int colon = trimmed.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("public key must be <name>:<base64>");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(trimmed.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("public key is not valid base64");
        }
        return new PublicSigningKey(trimmed.substring(0, colon), raw);
    }

    public String name() {
        return name;
    }

    public byte[] raw() {
        return raw.clone();
    }

    /** True when {@code sig} is by this key (same name) and valid over {@code message}. */
    public boolean verifies(NarSignature sig, String message) {
        if (!sig.keyName().equals(name)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(sig.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + ":" + Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicSigningKey k && k.name.equals(name) && Arrays.equals(k.raw, raw);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(raw);
    }

    static PublicKey toJdkKey(byte[] raw) {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = raw[31 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(
                    new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, bigEndian))));
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException("not a valid Ed25519 public key");
        }
    }
}
