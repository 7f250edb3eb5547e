package dev.cacheserver.domain.signing;

import dev.cacheserver.domain.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 secret key in Nix format {@code name:base64(seed(32) || public(32))}, as written by
 * {@code nix key generate-secret}. {@link #toString()} never reveals the secret; use {@link #toNixFormat()}.
 */
public final class SecretSigningKey {
    private final String name;
    private final byte[] seed;
    private final PrivateKey key;
    private final PublicSigningKey publicKey;

    private SecretSigningKey(String name, byte[] seed, byte[] publicRaw) {
        KeyNames.check(name);
        this.name = name;
        this.seed = seed.clone();
        try {
            this.key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, this.seed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
        byte[] derived = derivePublic(this.seed);
        if (publicRaw != null && !Arrays.equals(derived, publicRaw)) {
            throw new InvalidInputException("secret key '" + name + "' is corrupt: its public half does not match its seed");
        }
        this.publicKey = new PublicSigningKey(name, derived);
    }

    public static SecretSigningKey generate(String name) {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return new SecretSigningKey(name, seed, null);
    }

    public static SecretSigningKey fromSeed(String name, byte[] seed) {
        if (seed.length != 32) {
            throw new InvalidInputException("an Ed25519 seed has 32 bytes");
        }
        return new SecretSigningKey(name, seed, null);
    }

    public static SecretSigningKey parse(String text) {
        String trimmed = text.strip();
        int colon = trimmed.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("secret key must be <name>:<base64>");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(trimmed.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("secret key is not valid base64");
        }
        if (raw.length != 64) {
            throw new InvalidInputException("secret key must hold 64 bytes (seed and public key), got " + raw.length);
        }
        return new SecretSigningKey(trimmed.substring(0, colon), Arrays.copyOf(raw, 32), Arrays.copyOfRange(raw, 32, 64));
    }

    public String name() {
        return name;
    }

    public PublicSigningKey publicKey() {
        return publicKey;
    }

    public NarSignature sign(String message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(message.getBytes(StandardCharsets.UTF_8));
            return new NarSignature(name, signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The secret in Nix's file format; write it only to a file with mode 0600. */
    public String toNixFormat() {
        byte[] all = new byte[64];
        System.arraycopy(seed, 0, all, 0, 32);
        System.arraycopy(publicKey.raw(), 0, all, 32, 32);
        return name + ":" + Base64.getEncoder().encodeToString(all);
    }

    @Override
    public String toString() {
        return "SecretSigningKey[" + name + ", public " + publicKey + "]";
    }

    private static byte[] derivePublic(byte[] seed) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedSeedRandom(seed));
            byte[] encoded = generator.generateKeyPair().getPublic().getEncoded();
            return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    /** The JDK has no "public key from seed" call; key generation reads exactly the 32 seed bytes from here. */
    private static final class FixedSeedRandom extends SecureRandom {
        private final byte[] seed;

        FixedSeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(bytes.length, seed.length));
        }
    }
}
