package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.NixHash;
import java.util.Objects;

/** What was written into a {@link NarSpool}: the SHA-256 of the bytes (their FileHash) and how many there were. */
public record SpooledBytes(NixHash fileHash, long size) {
    public SpooledBytes {
        Objects.requireNonNull(fileHash, "fileHash");
    }
}
