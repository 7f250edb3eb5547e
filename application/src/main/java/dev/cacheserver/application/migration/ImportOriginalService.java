package dev.cacheserver.application.migration;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.port.in.ImportFromOriginal;
import dev.cacheserver.domain.error.CacheServerException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.StorageFullException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.OriginalStorePath;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.port.OriginalS3Objects;
import dev.cacheserver.domain.port.OriginalServerArchive;
import dev.cacheserver.domain.port.OriginalServerArchive.OriginalNar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** {@link ImportFromOriginal} for one cache of this server, over its store, narinfos and the original's archive. */
final class ImportOriginalService implements ImportFromOriginal {
    static final int PAGE = 200;
    /** The original wrote this when cachix sent no deriver. */
    private static final String UNKNOWN_DERIVER = "unknown-deriver";
    private static final String NOT_FOUND = "its NAR file is not in a local storage of the original";

    private final CacheProfile cache;
    private final OriginalServerArchive archive;
    private final NarStore store;
    private final NarInfoRepository repository;
    private final NarInfoService narInfos;
    private final NarContentHasher hasher;
    /** Null when no S3 reader is wired: paths on the original's S3 storages are then reported as not found. */
    private final OriginalS3Objects s3;

    ImportOriginalService(CacheProfile cache, OriginalServerArchive archive, OriginalS3Objects s3, NarStore store,
                          NarInfoRepository repository, NarInfoService narInfos, NarContentHasher hasher) {
        this.cache = cache;
        this.archive = archive;
        this.store = store;
        this.repository = repository;
        this.narInfos = narInfos;
        this.hasher = hasher;
        this.s3 = s3;
    }

    @Override
    public CompletionStage<ImportSummary> importCache(String originalCache, boolean dryRun,
                                                      Consumer<PathOutcome> outcomes) {
        Counts counts = new Counts(outcomes);
        return page(originalCache, 0, dryRun, counts).thenApply(v -> counts.summary());
    }

    private CompletionStage<Void> page(String originalCache, long afterRow, boolean dryRun, Counts counts) {
        return archive.paths(originalCache, afterRow, PAGE).thenCompose(rows -> {
            CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
            for (OriginalStorePath row : rows) {
                chain = chain.thenCompose(v -> importPath(row, dryRun)
                        .handle((result, failure) -> {
                            counts.record(row, result, failure);
                            return null;
                        }));
            }
            return chain.thenCompose(v -> rows.size() < PAGE ? CompletableFuture.completedFuture(null)
                    : page(originalCache, rows.get(rows.size() - 1).row(), dryRun, counts));
        });
    }

    private CompletionStage<Result> importPath(OriginalStorePath row, boolean dryRun) {
        NarInfo claimed;
        try {
            claimed = claimedNarInfo(row);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return repository.find(cache.name(), claimed.storePath().hash()).thenCompose(existing -> {
            if (existing.isPresent() && existing.get().fileHash().equals(claimed.fileHash())
                    && existing.get().narHash().equals(claimed.narHash())) {
                return CompletableFuture.completedFuture(Result.ALREADY_PRESENT);
            }
            return archive.locateNar(row).thenCompose(nar -> {
                if (nar.isEmpty()) {
                    return importFromS3(claimed, row, dryRun);
                }
                NarInfo withFile = withCompression(claimed, nar.get().compression());
                return dryRun ? verify(withFile, nar.get(), Optional.empty()).thenApply(d -> Result.WOULD_IMPORT)
                        : store(withFile, nar.get());
            });
        });
    }

    /** The narinfo the original served for {@code row}, with the compression still to be read from the file. */
    private static NarInfo claimedNarInfo(OriginalStorePath row) {
        StorePath path = StorePath.parse(row.storeHash() + "-" + row.storeSuffix());
        NixHash fileHash = NixHash.parse("FileHash", row.fileHash());
        NixHash narHash = NixHash.parse("NarHash", row.narHash());
        List<StorePath> refs = new ArrayList<>();
        if (row.refs() != null) {
            for (String ref : row.refs().strip().split(" +")) {
                if (!ref.isEmpty()) {
                    refs.add(StorePath.parse(ref));
                }
            }
        }
        String deriver = row.deriver();
        if (deriver == null || deriver.isBlank() || deriver.equals(UNKNOWN_DERIVER)) {
            deriver = null;
        } else {
            deriver = StorePath.parse(deriver).baseName();
        }
        return new NarInfo(path, new NarFile(fileHash, Compression.XZ), row.fileSize(),
                narHash, row.narSize(), refs, deriver, null, List.of(), null);
    }

    private static NarInfo withCompression(NarInfo info, Compression compression) {
        return new NarInfo(info.storePath(), new NarFile(info.fileHash(), compression), info.fileSize(),
                info.narHash(), info.narSize(), info.references(), info.deriver(), info.system(), info.signatures(),
                info.ca());
    }

    /** FileHash and FileSize while reading (and copying) the file, then NarHash and NarSize by decompressing it. */
    private CompletionStage<NarDigest> verify(NarInfo info, OriginalNar nar, Optional<Path> copyTo) {
        return archive.digest(nar, copyTo).thenCompose(file -> {
            OriginalNarChecks.checkFile(info, file);
            return hasher.digest(new NarLocation.LocalFile(nar.file(), nar.size()), nar.compression());
        }).thenApply(content -> OriginalNarChecks.checkContent(info, content));
    }

    /**
     * A NAR on an S3 storage of the original: streamed into a spool file (FileHash and FileSize of what arrived),
     * decompressed from there (NarHash and NarSize), then stored like a local one; a dry run discards the copy.
     */
    private CompletionStage<Result> importFromS3(NarInfo claimed, OriginalStorePath row, boolean dryRun) {
        if (s3 == null) {
            return CompletableFuture.failedFuture(new InvalidInputException(NOT_FOUND));
        }
        return archive.s3StorageOf(row).thenCompose(storage -> storage.isEmpty()
                ? CompletableFuture.failedFuture(new InvalidInputException(NOT_FOUND))
                : s3.locate(storage.get(), bareFileHash(row)).thenCompose(found -> found.isEmpty()
                        ? CompletableFuture.failedFuture(new InvalidInputException("its NAR file is not in the "
                                + storage.get() + " of the original"))
                        : copyFromS3(withCompression(claimed, found.get().compression()), found.get(), dryRun)));
    }

    private CompletionStage<Result> copyFromS3(NarInfo info, OriginalS3Objects.S3Nar nar, boolean dryRun) {
        return store.createSpoolFile().thenCompose(spool -> s3.copy(nar, spool)
                .thenCompose(file -> {
                    OriginalNarChecks.checkFile(info, file);
                    return hasher.digest(new NarLocation.LocalFile(spool, file.size()), nar.compression());
                })
                .thenApply(content -> OriginalNarChecks.checkContent(info, content))
                .thenCompose(content -> dryRun ? store.discard(spool).thenApply(v -> Optional.<NarDigest>empty())
                        : store.publish(spool, info.narFile()).thenApply(v -> Optional.of(content)))
                .exceptionallyCompose(e -> store.discard(spool).thenCompose(v -> CompletableFuture.failedFuture(e))))
                .thenCompose(stored -> stored.isEmpty() ? CompletableFuture.completedFuture(Result.WOULD_IMPORT)
                        : publish(info, stored.get()));
    }

    private static String bareFileHash(OriginalStorePath row) {
        return row.fileHash().startsWith("sha256:") ? row.fileHash().substring(7) : row.fileHash();
    }

    private CompletionStage<Result> store(NarInfo info, OriginalNar nar) {
        return store.createSpoolFile().thenCompose(spool -> verify(info, nar, Optional.of(spool))
                .thenCompose(content -> store.publish(spool, info.narFile()).thenApply(v -> content))
                .exceptionallyCompose(e -> store.discard(spool).thenCompose(v -> CompletableFuture.failedFuture(e))))
                .thenCompose(content -> publish(info, content));
    }

    private CompletionStage<Result> publish(NarInfo info, NarDigest content) {
        // Checked just above: publishing need not decompress the NAR a second time.
        narInfos.uploadDigests().remember(info.narFile(), CompletableFuture.completedFuture(content));
        return narInfos.publishing().publish(info).thenApply(published -> Result.IMPORTED);
    }

    /** Tallies outcomes and passes each on. */
    private static final class Counts {
        private final Consumer<PathOutcome> outcomes;
        private final AtomicLong imported = new AtomicLong();
        private final AtomicLong present = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();

        Counts(Consumer<PathOutcome> outcomes) {
            this.outcomes = outcomes;
        }

        void record(OriginalStorePath row, Result result, Throwable failure) {
            if (failure == null) {
                (result == Result.ALREADY_PRESENT ? present : imported).incrementAndGet();
                outcomes.accept(new PathOutcome(row.displayPath(), result, ""));
                return;
            }
            Throwable cause = Failures.cause(failure);
            if (cause instanceof StorageFullException) {
                // A full disk is not a property of this path: stop instead of failing every remaining path.
                throw new CompletionException(cause);
            }
            failed.incrementAndGet();
            String reason = cause instanceof CacheServerException ? cause.getMessage() : cause.toString();
            outcomes.accept(new PathOutcome(row.displayPath(), Result.FAILED, reason));
        }

        ImportSummary summary() {
            return new ImportSummary(imported.get(), present.get(), failed.get());
        }
    }
}
