package dev.cacheserver.application.ingest;

import static dev.cacheserver.application.ingest.IngestFixture.COMPRESSED;
import static dev.cacheserver.application.ingest.IngestFixture.FILE;
import static dev.cacheserver.application.ingest.IngestFixture.NAR;
import static dev.cacheserver.application.ingest.IngestFixture.await;
import static dev.cacheserver.application.ingest.IngestFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.cachix.CachixCache;
import dev.cacheserver.application.cachix.CachixCaches;
import dev.cacheserver.application.cachix.MultipartUploads;
import dev.cacheserver.application.cachix.UploadCapabilities;
import dev.cacheserver.application.cachix.UploadSettings;
import dev.cacheserver.application.cluster.PeerEvents;
import dev.cacheserver.application.cluster.PeerFallbackAssembly;
import dev.cacheserver.application.cluster.PeerSettings;
import dev.cacheserver.application.cluster.TrustedKeys;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CompleteMultipartUpload.CompleteUploadCommand;
import dev.cacheserver.application.port.in.CompleteMultipartUpload.Outcome;
import dev.cacheserver.application.port.in.IngestNar.UploadNarCommand;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.PartGrant;
import dev.cacheserver.application.port.in.ServeFromPeers.PeerNar;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.port.in.ServeFromUpstreams.UpstreamNar;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.application.port.in.StartMultipartUpload.StartUploadCommand;
import dev.cacheserver.application.port.in.UploadNarParts.BeginPartCommand;
import dev.cacheserver.application.port.in.UploadNarParts.PartTransfer;
import dev.cacheserver.application.upstream.UpstreamAssembly;
import dev.cacheserver.application.upstream.UpstreamEvents;
import dev.cacheserver.application.upstream.UpstreamSettings;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.HashMismatchException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.UpstreamClient;
import dev.cacheserver.domain.port.inmemory.InMemoryCacheKeyRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryPeerDirectory;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadPartStore;
import dev.cacheserver.domain.port.inmemory.InMemoryUploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four ways a NAR enters a cache (Nix PUT, Cachix complete, peer and upstream pull-through) reach the same
 * sequence on the NAR store: spool, locate, publish; those with a narinfo then publish it. A Cachix upload that
 * fails the ingest's checks is gone with its parts.
 */
class IngestEntrancesTest {
    static final Hs256Tokens TOKENS = new Hs256Tokens("k".getBytes());
    static final List<String> SEQUENCE = List.of("spool", "locate", "publish");
    static final URI ELSEWHERE = URI.create("http://elsewhere.example");

    @TempDir
    Path dir;
    IngestFixture fixture;
    AccessPolicy access;
    Caller writer;
    InMemoryUploadPartStore parts;
    final UploadCapabilities capabilities = new UploadCapabilities("k".getBytes());

    @BeforeEach
    void setUp() {
        fixture = new IngestFixture(dir);
        access = new AccessPolicy(TOKENS, Clock.systemUTC());
        writer = Caller.withToken(TOKENS.issue(new TokenClaims("main", Permission.WRITE, null, null)));
        parts = new InMemoryUploadPartStore(dir.resolve("parts"));
    }

    @Test
    void aNixPutIsSpooledVerifiedLocatedAndPublished() throws Exception {
        IngestNar ingest = NarIngestAssembly.nixUploads(fixture.profile, access, fixture.store,
                fixture.narInfos.uploadDigests(), 1 << 20);

        NarSpool spool = await(ingest.open(new UploadNarCommand(writer, FILE, COMPRESSED.length)));
        Files.write(spool.path(), COMPRESSED);
        await(ingest.finish(spool, CompletableFuture.completedFuture(new SpooledBytes(sha256(COMPRESSED),
                COMPRESSED.length))));

        assertEquals(SEQUENCE, fixture.store.sequence());
        assertTrue(fixture.store.store.publishedFiles().contains(FILE));
    }

    @Test
    void aNixPutWithoutAWriteTokenIsRefusedBeforeASpoolExists() {
        IngestNar ingest = NarIngestAssembly.nixUploads(fixture.profile, access, fixture.store,
                fixture.narInfos.uploadDigests(), 1 << 20);

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> await(ingest.open(new UploadNarCommand(Caller.anonymous(), FILE, COMPRESSED.length))));

        assertInstanceOf(AuthenticationException.class, refused.getCause());
        assertEquals(List.of(), fixture.store.calls);
    }

    @Test
    void aCachixCompleteAssemblesThePartsIntoTheSameSequence() throws Exception {
        MultipartUploads uploads = multipartUploads();
        UploadSession session = uploadedOnePart(uploads);

        Outcome outcome = await(uploads.complete(new CompleteUploadCommand(writer, "main", session.narId(),
                session.uploadId(), Optional.empty(), create(sha256(COMPRESSED)))));

        assertEquals(Outcome.PUBLISHED, outcome);
        assertEquals(SEQUENCE, fixture.store.sequence().subList(0, 3));
        assertTrue(narInfoPublished());
    }

    @Test
    void aCachixCompleteWithAnotherFileHashNamesTheFieldAndLeavesNothing() throws Exception {
        MultipartUploads uploads = multipartUploads();
        UploadSession session = uploadedOnePart(uploads);

        ExecutionException refused = assertThrows(ExecutionException.class, () -> await(uploads.complete(
                new CompleteUploadCommand(writer, "main", session.narId(), session.uploadId(), Optional.empty(),
                        create(sha256(NAR))))));

        assertInstanceOf(HashMismatchException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().startsWith("cFileHash mismatch"), refused.getCause().getMessage());
        assertTrue(fixture.nothingLeft());
        assertEquals(List.of(), await(parts.uploads()), "the upload's parts are deleted");
    }

    private MultipartUploads multipartUploads() {
        CachixCaches caches = new CachixCaches(List.of(new CachixCache(fixture.profile, fixture.narInfos,
                fixture.store, Compression.ZSTD)));
        return new MultipartUploads(caches, access, new InMemoryUploadRepository(), parts, capabilities,
                (url, grant, sig) -> url, new InMemoryCacheKeyRepository(), UploadSettings.defaults(2),
                Clock.systemUTC());
    }

    /** A new upload of the compressed NAR as one part. */
    private UploadSession uploadedOnePart(MultipartUploads uploads) throws Exception {
        UploadSession session = await(uploads.start(new StartUploadCommand(writer, "main", "zst")));
        byte[] md5 = MessageDigest.getInstance("MD5").digest(COMPRESSED);
        String md5Base64 = java.util.Base64.getEncoder().encodeToString(md5);
        PartGrant grant = new PartGrant(session.narId(), 1, md5Base64, session.expiresAt().getEpochSecond());
        PartTransfer part = await(uploads.beginPart(new BeginPartCommand(fixture.profile.name(), grant,
                capabilities.sign(grant), md5Base64)));
        Files.write(part.spool(), COMPRESSED);
        await(uploads.finishPart(part, md5, COMPRESSED.length));
        return session;
    }

    @Test
    void aPeerCopyGoesThroughTheSameSequence() throws Exception {
        ServeFromPeers peers = PeerFallbackAssembly.serveFromPeers(fixture.profile, new InMemoryPeerDirectory(),
                (peer, hash) -> CompletableFuture.failedFuture(new AssertionError("not asked")),
                new TrustedKeys(List.of()), Set.of(), PeerSettings.DEFAULTS, fixture.ingestion(),
                fixture.narInfos.publishing()::publish, PeerEvents.NONE, Clock.systemUTC());
        PeerNar nar = new PeerNar(ELSEWHERE, ELSEWHERE.resolve("/" + FILE.url()), IngestFixture.info());

        NarSpool spool = await(peers.openCopy(nar));
        Files.write(spool.path(), COMPRESSED);
        await(peers.keepCopy(nar, spool, CompletableFuture.completedFuture(new SpooledBytes(sha256(COMPRESSED),
                COMPRESSED.length))));

        assertEquals(SEQUENCE, fixture.store.sequence().subList(0, 3));
        assertTrue(narInfoPublished());
    }

    @Test
    void anUpstreamCopyGoesThroughTheSameSequence() throws Exception {
        ServeFromUpstreams upstreams = UpstreamAssembly.serveFromUpstreams(fixture.profile,
                notAsked(), new UpstreamSettings(List.of(), Duration.ofMinutes(1),
                Duration.ofSeconds(30), 8, 100), fixture.ingestion(), fixture.narInfos.publishing()::publish,
                UpstreamEvents.NONE, Clock.systemUTC());
        UpstreamNar nar = new UpstreamNar(ELSEWHERE, ELSEWHERE.resolve("/" + FILE.url()), IngestFixture.info());

        NarSpool spool = await(upstreams.openCopy(nar));
        Files.write(spool.path(), COMPRESSED);
        await(upstreams.keepCopy(nar, spool, CompletableFuture.completedFuture(new SpooledBytes(sha256(COMPRESSED),
                COMPRESSED.length))));

        assertEquals(SEQUENCE, fixture.store.sequence().subList(0, 3));
        assertTrue(narInfoPublished());
    }

    private static UpstreamClient notAsked() {
        return new UpstreamClient() {
            @Override
            public CompletionStage<Optional<String>> fetchNarInfo(URI upstream, StorePathHash hash) {
                return CompletableFuture.failedFuture(new AssertionError("not asked"));
            }

            @Override
            public CompletionStage<String> fetchCacheInfo(URI upstream) {
                return CompletableFuture.failedFuture(new AssertionError("not asked"));
            }
        };
    }

    private boolean narInfoPublished() throws Exception {
        return await(fixture.repository.find(IngestFixture.MAIN, IngestFixture.info().storePath().hash())).isPresent();
    }

    private static NarInfoCreate create(NixHash fileHash) {
        var info = IngestFixture.info();
        return new NarInfoCreate(info.storePath().hash().toString(), "hello", "sha256:" + sha256(NAR).nix32(),
                NAR.length, HexFormat.of().formatHex(fileHash.bytes()), COMPRESSED.length, List.of(), null, null);
    }
}
