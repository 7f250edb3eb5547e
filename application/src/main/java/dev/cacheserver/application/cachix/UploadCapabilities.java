package dev.cacheserver.application.cachix;

import dev.cacheserver.domain.auth.HmacSha256;
import dev.cacheserver.application.port.in.PartGrant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs and checks {@link PartGrant}s with HMAC-SHA256 under a key derived from the server's token key (so
 * rotating {@code server.key} also voids every upload URL). Comparison is constant time. Thread-safe.
 */
public final class UploadCapabilities {
    private static final byte[] LABEL = "cache-server upload URL key v1".getBytes(StandardCharsets.UTF_8);
    private final byte[] key;

    public UploadCapabilities(byte[] serverKey) {
        this.key = hmac(serverKey, LABEL);
    }

    public String sign(PartGrant grant) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, message(grant)));
    }

    public boolean verifies(PartGrant grant, String signature) {
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature == null ? "" : signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(key, message(grant)), given);
    }

    private static byte[] message(PartGrant g) {
        return (g.narId() + "\n" + g.partNumber() + "\n" + g.contentMd5() + "\n" + g.expiresEpochSecond())
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        return HmacSha256.mac(key, message);
    }
}
