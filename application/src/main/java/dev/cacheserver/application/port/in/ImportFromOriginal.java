package dev.cacheserver.application.port.in;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Use case: imports one cache of the original (Python) cache-server into a cache here, path by path (the
 * {@code import-original} command, run by an operator with the server stopped: no caller to check). The NAR file
 * is checked against the original's FileHash and FileSize, decompressed and checked against NarHash and NarSize,
 * then stored and its narinfo published, signed with the cache's key. A dry run checks the same and writes nothing. A path already
 * here with the same content is left alone. Every path is reported to {@code outcomes} as it is done, so memory does
 * not grow with the number of paths; one bad path never stops the rest. Fails only when the archive or the cache's
 * storage cannot be read or written at all.
 */
public interface ImportFromOriginal {

    CompletionStage<ImportSummary> importCache(String originalCache, boolean dryRun, Consumer<PathOutcome> outcomes);

    /** What happened to one path: {@code reason} says why it was not imported. */
    record PathOutcome(String storePath, Result result, String reason) {
    }

    enum Result { IMPORTED, WOULD_IMPORT, ALREADY_PRESENT, FAILED }

    /** Counts over one cache. */
    record ImportSummary(long imported, long alreadyPresent, long failed) {
    }
}
