package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;

/**
 * A stored NAR file, named by the hash of its (compressed) bytes: {@code <filehash nix32>.nar[.xz|.zst|.bz2]}.
 * Both parts are validated, so a NarFile's name is always safe to use as a file name or object key.
 */
public record NarFile(NixHash fileHash, Compression compression) {

    public static NarFile parseFileName(String fileName) {
        Compression compression = Compression.fromFileName(fileName)
                .orElseThrow(() -> new InvalidInputException("not a NAR file name: " + NixHash.abbreviate(fileName)));
        String hash = fileName.substring(0, fileName.length() - compression.extension().length());
        if (hash.length() != Nix32.encodedLength(NixHash.SIZE) || !Nix32.isNix32(hash)) {
            throw new InvalidInputException("not a NAR file name: " + NixHash.abbreviate(fileName));
        }
        try {
            return new NarFile(new NixHash(Nix32.decode(hash, NixHash.SIZE)), compression);
        } catch (IllegalArgumentException e) {
            // 52 nix32 digits hold 260 bits; a first digit past '1' does not fit a 256-bit digest.
            throw new InvalidInputException("not a NAR file name (hash out of range): " + NixHash.abbreviate(fileName));
        }
    }

    public String fileName() {
        return fileHash.nix32() + compression.extension();
    }

    /** The narinfo {@code URL:} value, relative to the cache root. */
    public String url() {
        return "nar/" + fileName();
    }
}
