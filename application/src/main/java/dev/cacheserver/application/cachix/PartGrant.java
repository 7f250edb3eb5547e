package dev.cacheserver.application.cachix;

import java.util.UUID;

/**
 * What one upload URL allows: PUT part {@code partNumber} of upload {@code narId} with exactly the bytes whose
 * MD5 is {@code contentMd5} (base64, as in Content-MD5), until {@code expiresEpochSecond}. The URL carries it
 * with an HMAC ({@link UploadCapabilities}), so it needs no Authorization header and cannot be forged or bent
 * to another upload, part or content.
 */
public record PartGrant(UUID narId, int partNumber, String contentMd5, long expiresEpochSecond) {
    /** The path prefix of upload URLs on a cache's own port: {@code /_cachix/upload/<narId>/<partNumber>}. */
    public static final String PATH_PREFIX = "/_cachix/upload/";
}
