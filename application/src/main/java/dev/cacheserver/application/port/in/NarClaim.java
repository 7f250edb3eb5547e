package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the bytes of one NAR being ingested must turn out to be: the {@link NarFile} they will be stored as (its name
 * is their FileHash), their FileSize when a narinfo states it, and at most {@code maxBytes} of them. The
 * {@link NarOrigin} says who made the claim, for the message of a mismatch.
 */
public record NarClaim(NarFile file, OptionalLong fileSize, long maxBytes, NarOrigin origin) {
    public NarClaim {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(fileSize, "fileSize");
        Objects.requireNonNull(origin, "origin");
    }

    /** The NAR of a verified {@code info}: exactly its FileHash and FileSize. */
    public static NarClaim of(NarInfo info, NarOrigin origin) {
        return new NarClaim(info.narFile(), OptionalLong.of(info.fileSize()), info.fileSize(), origin);
    }
}
