package dev.cacheserver.application;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/**
 * Receives NAR files ({@code PUT /nar/<filehash>.nar.<ext>}). The caller streams the body into the spool
 * file from {@link #begin()}, hashing as it goes, then calls {@link #complete}: the NAR is published under its
 * name only if the computed hash equals the hash in the name; otherwise the spool is deleted and the stage
 * fails with HashMismatchException. {@link #abort} deletes the spool of a failed transfer.
 */
public interface UploadNarUseCase {
    CompletionStage<Path> begin();

    CompletionStage<Void> complete(Path spool, NarFile claimed, NixHash computed, long size);

    CompletionStage<Void> abort(Path spool);
}
