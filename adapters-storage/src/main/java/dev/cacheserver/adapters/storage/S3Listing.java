package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarStore.StoredNar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists the NAR objects under a storage's key prefix, one ListObjectsV2 call per page continued with its
 * continuation token (no 1000-object ceiling); objects that are not NAR files are skipped.
 */
final class S3Listing {
    /** The most keys one ListObjectsV2 call returns. */
    static final int LIST_PAGE = 1000;

    private final S3AsyncClient s3;
    private final S3StoreOptions options;
    private final S3ErrorMapping errors;

    S3Listing(S3AsyncClient s3, S3StoreOptions options, S3ErrorMapping errors) {
        this.s3 = s3;
        this.options = options;
        this.errors = errors;
    }

    /** Visits the NARs a page at a time, in key order; the next page is asked for once the visit is done. */
    CompletionStage<Void> walk(int pageSize, Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return listFrom(null, Math.max(1, Math.min(pageSize, LIST_PAGE)), visitor);
    }

    private CompletionStage<Void> listFrom(String token, int pageSize,
                                           Function<List<StoredNar>, CompletionStage<Void>> visitor) {
        return s3.listObjectsV2(b -> b.bucket(options.bucket()).prefix(options.keyPrefix()).maxKeys(pageSize)
                        .continuationToken(token))
                .handle((response, e) -> {
                    if (e != null) {
                        throw new CompletionException(errors.map("LIST " + options.keyPrefix(), e));
                    }
                    return response;
                })
                .thenCompose(response -> {
                    List<StoredNar> page = new ArrayList<>(response.contents().size());
                    for (S3Object object : response.contents()) {
                        narFileOf(object.key()).ifPresent(file -> page.add(new StoredNar(file, object.size(),
                                object.lastModified())));
                    }
                    CompletionStage<Void> visited = page.isEmpty() ? CompletableFuture.completedFuture(null)
                            : visitor.apply(page);
                    boolean more = Boolean.TRUE.equals(response.isTruncated()) && response.nextContinuationToken() != null;
                    return more ? visited.thenCompose(v -> listFrom(response.nextContinuationToken(), pageSize, visitor))
                            : visited;
                });
    }

    /** The NAR file an object key names, if it is one directly under the prefix. */
    Optional<NarFile> narFileOf(String key) {
        String name = key.substring(options.keyPrefix().length());
        if (name.contains("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(NarFile.parseFileName(name));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }
}
