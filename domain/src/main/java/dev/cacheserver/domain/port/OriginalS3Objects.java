package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.OriginalServerArchive.FileDigest;
import dev.cacheserver.domain.port.OriginalServerArchive.OriginalS3Storage;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads the NAR objects of the original server's S3 storages, for the import: finds the object of a file hash and
 * streams it once into a local file (never whole in memory). Non-blocking; failures are
 * {@link dev.cacheserver.domain.error.StorageException} (bucket unreachable, access refused).
 */
public interface OriginalS3Objects {

    /**
     * The object {@code <keyPrefix><fileHash>.nar.xz} or {@code .nar.zst} of {@code storage}, with its size and
     * compression; empty when neither exists.
     */
    CompletionStage<Optional<S3Nar>> locate(OriginalS3Storage storage, String fileHash);

    /** Streams {@code nar} into {@code target} (replaced): the SHA-256 and length of what was written. */
    CompletionStage<FileDigest> copy(S3Nar nar, Path target);

    /** One NAR object of an S3 storage. */
    record S3Nar(OriginalS3Storage storage, String key, long size, Compression compression) {
    }
}
