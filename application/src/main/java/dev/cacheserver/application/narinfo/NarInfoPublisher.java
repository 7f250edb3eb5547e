package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.PublishNarInfoUseCase;
import dev.cacheserver.application.ingest.UploadedNarDigests;
import dev.cacheserver.domain.error.ConflictException;
import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.NarContentHasher;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarLocation;
import dev.cacheserver.domain.port.NarStore;
import dev.cacheserver.domain.signing.NarSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Use case: publish narinfos into one cache ({@code PUT /<hash>.narinfo} and the Cachix flow). A store path in a
 * cache is immutable: a narinfo for a path the cache holds must describe the same content (NAR file, sizes,
 * NarHash, references, CA), else it fails with ConflictException (409); such a re-upload only adds signatures
 * (the stored ones are kept, new ones appended) and is otherwise idempotent. A new path's NAR must be stored with
 * the claimed FileSize and its content must match NarHash and NarSize; then the narinfo is signed with every key of the
 * cache, saved durably, served and the listeners are told. Nothing is published when it fails. Thread-safe; never
 * blocks.
 */
public final class NarInfoPublisher implements PublishNarInfoUseCase {
    private final CacheProfile cache;
    private final NarInfoRepository repository;
    private final NarStore store;
    private final NarContentHasher hasher;
    private final UploadedNarDigests uploadedDigests;
    private final ServedNarInfos served;
    private final List<NarInfoListener> listeners;

    NarInfoPublisher(CacheProfile cache, NarInfoRepository repository, NarStore store, NarContentHasher hasher,
                     UploadedNarDigests uploadedDigests, ServedNarInfos served, List<NarInfoListener> listeners) {
        this.cache = cache;
        this.repository = repository;
        this.store = store;
        this.hasher = hasher;
        this.uploadedDigests = uploadedDigests;
        this.served = served;
        this.listeners = listeners;
    }

    @Override
    public CompletionStage<NarInfo> publish(StorePathHash urlHash, String narInfoText) {
        NarInfo parsed;
        try {
            parsed = NarInfoText.parse(narInfoText);
            checkName(urlHash, parsed);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publish(parsed);
    }

    /** Publishes an already parsed narinfo (the Cachix flow builds one from JSON). */
    public CompletionStage<NarInfo> publish(NarInfo info) {
        return repository.find(cache.name(), info.storePath().hash()).thenCompose(existing -> {
            if (existing.isPresent()) {
                checkSameContent(existing.get(), info);
            }
            return store.locate(info.narFile())
                    .thenCompose(location -> verifyContent(info, existing.isPresent(), location.orElseThrow(() ->
                            new InvalidInputException("the NAR " + info.narFile().url()
                                    + " is not in this cache: upload it before its narinfo"))))
                    .thenCompose(verified -> {
                        NarInfo merged = existing.map(old -> withMergedSignatures(old, info)).orElse(info);
                        NarInfo signed = merged.signedBy(cache.signingKeys());
                        return repository.save(cache.name(), signed).thenApply(saved -> {
                            served.published(signed);
                            listeners.forEach(l -> l.published(signed));
                            return signed;
                        });
                    });
        });
    }

    private void checkSameContent(NarInfo stored, NarInfo offered) {
        if (stored.describesSameContent(offered) && Objects.equals(stored.ca(), offered.ca())) {
            return;
        }
        String what = !stored.narHash().equals(offered.narHash()) ? "NarHash " + stored.narHash()
                : !stored.narFile().equals(offered.narFile()) ? "NAR " + stored.narFile().url()
                : !stored.references().equals(offered.references()) ? "other references"
                : !Objects.equals(stored.ca(), offered.ca()) ? "CA " + stored.ca()
                : "NarSize " + stored.narSize() + " and FileSize " + stored.fileSize();
        throw new ConflictException(stored.storePath().fullPath() + " is already in cache " + cache.name()
                + " with " + what + "; a store path is immutable (an admin can remove it first)");
    }

    /** The stored narinfo with the offered signatures added (stored ones first, duplicates dropped). */
    private static NarInfo withMergedSignatures(NarInfo stored, NarInfo offered) {
        List<NarSignature> sigs = new ArrayList<>(stored.signatures());
        for (NarSignature sig : offered.signatures()) {
            if (!sigs.contains(sig)) {
                sigs.add(sig);
            }
        }
        return stored.withSignatures(sigs);
    }

    private static void checkName(StorePathHash urlHash, NarInfo info) {
        if (!info.storePath().hash().equals(urlHash)) {
            throw new InvalidInputException("StorePath " + info.storePath().fullPath()
                    + " does not match the narinfo name " + urlHash + ".narinfo");
        }
    }

    private static void checkUncompressedSizes(NarInfo info) {
        if (info.compression() == Compression.NONE) {
            if (!info.fileHash().equals(info.narHash())) {
                throw new HashMismatchException("FileHash must equal NarHash for an uncompressed NAR (FileHash "
                        + info.fileHash() + ", NarHash " + info.narHash() + ")");
            }
            if (info.fileSize() != info.narSize()) {
                throw new HashMismatchException("FileSize must equal NarSize for an uncompressed NAR (FileSize "
                        + info.fileSize() + ", NarSize " + info.narSize() + ")");
            }
        }
    }

    /**
     * The digest made while the NAR was uploaded when there is one; otherwise (or when that one could not finish,
     * e.g. its reader was stopped) the stored NAR is decompressed now. Data that does not decompress fails the
     * same either way.
     */
    private CompletionStage<NarDigest> contentDigest(NarInfo info, NarLocation location) {
        Optional<CompletionStage<NarDigest>> uploaded = uploadedDigests.find(info.narFile());
        if (uploaded.isEmpty()) {
            return hasher.digest(location, info.compression());
        }
        return uploaded.get().handle((digest, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(digest);
            }
            Throwable cause = Failures.cause(error);
            if (cause instanceof HashMismatchException) {
                return CompletableFuture.<NarDigest>failedFuture(cause);
            }
            return hasher.digest(location, info.compression());
        }).thenCompose(stage -> stage);
    }

    /**
     * The NAR's file name is the hash of its bytes (checked at upload), so FileHash holds once the names match;
     * FileSize is checked against the stored size, NarHash and NarSize by decompressing. A re-upload of content
     * the cache already holds (e.g. {@code nix store sign} adding a signature) is not decompressed again.
     */
    private CompletionStage<Void> verifyContent(NarInfo info, boolean known, NarLocation location) {
        try {
            checkUncompressedSizes(info);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (location.size() != info.fileSize()) {
            return CompletableFuture.failedFuture(new HashMismatchException("FileSize mismatch: the narinfo says "
                    + info.fileSize() + " bytes but " + info.narFile().url() + " has " + location.size()));
        }
        if (known || info.compression() == Compression.NONE) {
            return CompletableFuture.completedFuture(null);
        }
        return contentDigest(info, location).thenAccept(digest -> {
            if (!digest.narHash().equals(info.narHash())) {
                throw new HashMismatchException("NarHash mismatch: the narinfo says " + info.narHash()
                        + " but " + info.narFile().url() + " decompresses to " + digest.narHash());
            }
            if (digest.narSize() != info.narSize()) {
                throw new HashMismatchException("NarSize mismatch: the narinfo says " + info.narSize()
                        + " but " + info.narFile().url() + " decompresses to " + digest.narSize() + " bytes");
            }
        });
    }
}
