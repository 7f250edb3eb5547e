package dev.cacheserver.domain.port;

import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.OriginalStorePath;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The data of an original (Python) cache-server, read only: its SQLite database, the NAR files of its local
 * storages ({@code <storage root>/<storage name>/<file hash>.nar.<xz|zst>}), where its S3 storages keep theirs
 * (read through {@link OriginalS3Objects}), and each cache's {@code key.priv}.
 * Non-blocking; stages may complete on any thread; failures are
 * {@link dev.cacheserver.domain.error.StorageException} (unreadable database or file).
 */
public interface OriginalServerArchive {

    /** The names of the original's caches. */
    CompletionStage<List<String>> cacheNames();

    /** Up to {@code limit} paths of {@code cache} after row {@code afterRow}, in row order. */
    CompletionStage<List<OriginalStorePath>> paths(String cache, long afterRow, int limit);

    /** The text of the cache's {@code key.priv} (Nix secret-key format), from the first storage that has one. */
    CompletionStage<Optional<String>> secretKey(String cache);

    /** The NAR file of {@code path}, or empty when its storage is not local or the file is missing. */
    CompletionStage<Optional<OriginalNar>> locateNar(OriginalStorePath path);

    /**
     * The S3 storage that holds the NAR of {@code path}, from the original's {@code storage_config} rows; empty when
     * its storage is not an S3 storage.
     */
    CompletionStage<Optional<OriginalS3Storage>> s3StorageOf(OriginalStorePath path);

    /** Streams {@code nar} once: its SHA-256 and size, and a copy into {@code target} when one is given. */
    CompletionStage<FileDigest> digest(OriginalNar nar, Optional<Path> target);

    /** A NAR file of the original and its compression (from its file name). */
    record OriginalNar(Path file, long size, Compression compression) {
    }

    /**
     * An S3 storage of the original: its bucket, the key prefix of its files ({@code <root>/<cache>/<storage>/}),
     * its region (the original ignored it) and credentials. Never prints the secret key.
     */
    record OriginalS3Storage(String name, String bucket, String keyPrefix, Optional<String> region, String accessKey,
                             String secretKey) {
        @Override
        public String toString() {
            return "S3 storage " + name + " (bucket " + bucket + ", keys " + keyPrefix + "...)";
        }
    }

    /** The SHA-256 and length of a file's bytes. */
    record FileDigest(NixHash sha256, long size) {
    }
}
