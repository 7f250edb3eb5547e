package dev.cacheserver.application.migration;

import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.OriginalServerArchive.FileDigest;

/** What the original's row claims against what its NAR file holds; a difference is a HashMismatchException. */
final class OriginalNarChecks {
    private OriginalNarChecks() {
    }

    /** FileHash and FileSize: the compressed file as stored. */
    static void checkFile(NarInfo info, FileDigest file) {
        if (!file.sha256().equals(info.fileHash())) {
            throw new HashMismatchException("FileHash mismatch: the original says " + info.fileHash()
                    + " but its NAR file hashes to " + file.sha256());
        }
        if (file.size() != info.fileSize()) {
            throw new HashMismatchException("FileSize mismatch: the original says " + info.fileSize()
                    + " but its NAR file has " + file.size() + " bytes");
        }
    }

    /** NarHash and NarSize: the NAR the file decompresses to. */
    static NarDigest checkContent(NarInfo info, NarDigest content) {
        if (!content.narHash().equals(info.narHash())) {
            throw new HashMismatchException("NarHash mismatch: the original says " + info.narHash()
                    + " but its NAR decompresses to " + content.narHash());
        }
        if (content.narSize() != info.narSize()) {
            throw new HashMismatchException("NarSize mismatch: the original says " + info.narSize()
                    + " but its NAR decompresses to " + content.narSize() + " bytes");
        }
        return content;
    }
}
