package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;
import java.util.Arrays;
import java.util.Optional;

/** How a stored NAR file is compressed: the narinfo {@code Compression:} value and the file extension. */
public enum Compression {
    NONE("none", ".nar"),
    XZ("xz", ".nar.xz"),
    ZSTD("zstd", ".nar.zst"),
    BZIP2("bzip2", ".nar.bz2");

    private final String narInfoName;
    private final String extension;

    Compression(String narInfoName, String extension) {
        this.narInfoName = narInfoName;
        this.extension = extension;
    }

    public String narInfoName() {
        return narInfoName;
    }

    /** File suffix including {@code .nar}, e.g. {@code .nar.zst}. */
    public String extension() {
        return extension;
    }

    public static Compression fromNarInfo(String value) {
        return Arrays.stream(values()).filter(c -> c.narInfoName.equals(value)).findFirst()
                .orElseThrow(() -> new InvalidInputException("unsupported Compression '" + NixHash.abbreviate(value)
                        + "' (supported: none, xz, zstd, bzip2)"));
    }

    /** Matches a file name suffix; the longest suffix wins so that {@code .nar.xz} is not read as {@code .nar}. */
    public static Optional<Compression> fromFileName(String fileName) {
        Compression best = null;
        for (Compression c : values()) {
            if (fileName.endsWith(c.extension) && (best == null || c.extension.length() > best.extension.length())) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }
}
