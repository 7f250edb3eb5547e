package dev.cacheserver.domain.upload;

import java.util.HexFormat;

/**
 * One received part of a multipart upload: its 1-based number, the hex MD5 of its bytes (the ETag we answered,
 * without quotes) and its length. A part may be empty (the client sends an empty last part).
 */
public record UploadedPart(int partNumber, String md5Hex, long size) {
    public static final int MAX_PART_NUMBER = 10_000;

    public UploadedPart {
        if (partNumber < 1 || partNumber > MAX_PART_NUMBER) {
            throw new IllegalArgumentException("part numbers are 1.." + MAX_PART_NUMBER);
        }
        if (md5Hex == null || md5Hex.length() != 32 || !md5Hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("md5Hex must be 32 hex digits");
        }
        md5Hex = md5Hex.toLowerCase();
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    public static UploadedPart of(int partNumber, byte[] md5, long size) {
        return new UploadedPart(partNumber, HexFormat.of().formatHex(md5), size);
    }

    /** The ETag header value as S3 writes it: the hex MD5 in double quotes. */
    public String eTag() {
        return "\"" + md5Hex + "\"";
    }
}
