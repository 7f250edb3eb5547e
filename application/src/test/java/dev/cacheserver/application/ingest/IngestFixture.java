package dev.cacheserver.application.ingest;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarContentHasher.NarDigest;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One cache on the in-memory ports with its real narinfo publisher, and one NAR to ingest. The content hasher is
 * scripted (what the compressed file decompresses to is {@link #NAR}), so NarHash and NarSize are checked for real
 * without a compressor.
 */
final class IngestFixture {
    static final CacheName MAIN = new CacheName("main");
    static final SecretSigningKey KEY = SecretSigningKey.generate("main-1");
    static final byte[] COMPRESSED = "pretend this is a zstd-compressed NAR".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NAR = "nix-archive-1 ( type regular contents hello )".getBytes(StandardCharsets.US_ASCII);
    static final NarFile FILE = new NarFile(sha256(COMPRESSED), Compression.ZSTD);

    final CacheProfile profile = new CacheProfile(MAIN, true, KEY, URI.create("http://127.0.0.1:1"), 30);
    final InMemoryNarInfoRepository repository = new InMemoryNarInfoRepository();
    final RecordingNarStore store;
    final NarInfoService narInfos;
    final Path dir;

    IngestFixture(Path dir) {
        this.dir = dir;
        this.store = new RecordingNarStore(dir.resolve("store"));
        this.narInfos = new NarInfoService(profile, repository, store,
                (location, compression) -> CompletableFuture.completedFuture(new NarDigest(sha256(NAR), NAR.length)));
    }

    /** The narinfo of {@link #FILE}, right unless a test changes it. */
    static NarInfo info() {
        return new NarInfo(StorePath.parse("a".repeat(32) + "-hello"), FILE, COMPRESSED.length, sha256(NAR),
                NAR.length, List.of(), null, null, List.of(), null);
    }

    NarIngestion ingestion() {
        return new NarIngestion(store, narInfos.uploadDigests());
    }

    boolean nothingLeft() throws Exception {
        try (var files = Files.list(dir.resolve("store"))) {
            return store.store.publishedFiles().isEmpty() && files.findAny().isEmpty()
                    && repository.find(MAIN, info().storePath().hash()).toCompletableFuture().get().isEmpty();
        }
    }

    static NixHash sha256(byte[] bytes) {
        try {
            return new NixHash(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
