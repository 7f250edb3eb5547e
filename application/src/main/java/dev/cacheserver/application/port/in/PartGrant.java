package dev.cacheserver.application.port.in;

import java.util.UUID;

/**
 * What one upload URL allows: PUT part {@code partNumber} of upload {@code narId} with exactly the bytes whose
 * MD5 is {@code contentMd5} (base64, as in Content-MD5), until {@code expiresEpochSecond}. The URL carries it with
 * an HMAC made by the Cachix upload service, so it needs no Authorization header and cannot be forged or bent to
 * another upload, part or content. How it is spelled in a URL is the HTTP adapter's.
 */
public record PartGrant(UUID narId, int partNumber, String contentMd5, long expiresEpochSecond) {
}
