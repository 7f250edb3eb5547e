package dev.cacheserver.application.cluster;

import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.support.ExpiringMap;
import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.PeerClient;
import dev.cacheserver.domain.port.PeerDirectory;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The peer fallback of one cache (see {@link ServeFromPeers}). A miss asks the directory (bounded wait),
 * skips this server's own caches, tries up to {@code maxCandidates} providers one after the other, and serves the
 * first narinfo whose signature verifies against a trusted key, signed by this cache beside the verified peer
 * signatures: this server never signs what it has not verified. Answers are remembered briefly: "nobody has it" for {@code negativeTtl}, a verified
 * narinfo and the peer holding its NAR for {@code positiveTtl}. Concurrent misses of one path share one lookup.
 */
final class PeerNarInfoService implements ServeFromPeers {
    private final CacheProfile cache;
    private final PeerDirectory directory;
    private final PeerClient client;
    private final TrustedKeys trusted;
    private final Set<String> ownUrls;
    private final PeerSettings settings;
    private final NarIngestion ingestion;
    private final Function<NarInfo, CompletionStage<NarInfo>> publisher;
    private final PeerEvents events;
    private final ExpiringMap<StorePathHash, Boolean> absent;
    private final ExpiringMap<StorePathHash, byte[]> served;
    private final ExpiringMap<NarFile, PeerNar> nars;
    private final ConcurrentHashMap<StorePathHash, CompletableFuture<Optional<byte[]>>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong fromPeers = new AtomicLong();
    private final AtomicLong negativeHits = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong pulled = new AtomicLong();

    /**
     * {@code ownUrls}: the public URLs of every cache on this server, never asked as peers. Pulled NARs go through
     * {@code ingestion}; {@code publisher} then publishes their narinfo (with its NarHash check).
     */
    PeerNarInfoService(CacheProfile cache, PeerDirectory directory, PeerClient client, TrustedKeys trusted,
                       Set<URI> ownUrls, PeerSettings settings, NarIngestion ingestion,
                       Function<NarInfo, CompletionStage<NarInfo>> publisher, PeerEvents events, Clock clock) {
        this.cache = cache;
        this.directory = directory;
        this.client = client;
        this.trusted = trusted;
        this.ownUrls = ownUrls.stream().map(PeerNarInfoService::normalized).collect(Collectors.toUnmodifiableSet());
        this.settings = settings;
        this.ingestion = ingestion;
        this.publisher = publisher;
        this.events = events;
        this.absent = new ExpiringMap<>(clock, settings.negativeTtl(), settings.maxRemembered());
        this.served = new ExpiringMap<>(clock, settings.positiveTtl(), settings.maxRemembered());
        this.nars = new ExpiringMap<>(clock, settings.positiveTtl(), settings.maxRemembered());
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookup(StorePathHash hash) {
        misses.incrementAndGet();
        Optional<byte[]> known = served.get(hash);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        if (absent.get(hash).isPresent()) {
            negativeHits.incrementAndGet();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<byte[]>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<byte[]>> running = inFlight.putIfAbsent(hash, mine);
        if (running != null) {
            return running;
        }
        directory.findProviders(hash)
                .thenCompose(providers -> tryProviders(hash, candidates(providers).iterator()))
                .whenComplete((result, failure) -> {
                    inFlight.remove(hash, mine);
                    Optional<byte[]> answer = failure == null ? result : Optional.empty();
                    if (failure != null) {
                        failures.incrementAndGet();
                        events.unreachable(URI.create("dht:"), String.valueOf(failure.getMessage()));
                    }
                    if (answer.isEmpty()) {
                        absent.put(hash, Boolean.TRUE);
                    }
                    mine.complete(answer);
                });
        return mine;
    }

    @Override
    public Optional<PeerNar> locateNar(NarFile file) {
        return nars.get(file);
    }

    @Override
    public boolean pullThrough() {
        return settings.pullThrough();
    }

    @Override
    public CompletionStage<NarSpool> openCopy(PeerNar nar) {
        return ingestion.open(NarClaim.of(nar.info(), NarOrigin.PEER), false);
    }

    @Override
    public CompletionStage<NarInfo> keepCopy(PeerNar nar, NarSpool spool, CompletionStage<SpooledBytes> written) {
        StorePathHash hash = nar.info().storePath().hash();
        return ingestion.ingest(spool, written, () -> publisher.apply(nar.info())).thenApply(published -> {
            pulled.incrementAndGet();
            events.pulledThrough(nar.peer(), hash);
            return published;
        });
    }

    @Override
    public CompletionStage<Status> status() {
        return directory.status().thenApply(dir -> new Status(dir, new Stats(misses.get(), fromPeers.get(),
                negativeHits.get(), rejected.get(), failures.get(), pulled.get())));
    }

    private List<PeerDirectory.Provider> candidates(List<PeerDirectory.Provider> providers) {
        return providers.stream()
                .filter(p -> !ownUrls.contains(normalized(p.url())))
                .distinct()
                .limit(settings.maxCandidates())
                .toList();
    }

    private CompletionStage<Optional<byte[]>> tryProviders(StorePathHash hash, Iterator<PeerDirectory.Provider> it) {
        if (!it.hasNext()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        PeerDirectory.Provider provider = it.next();
        return client.fetchNarInfo(provider.url(), hash)
                .handle((text, failure) -> {
                    if (failure != null) {
                        failures.incrementAndGet();
                        events.unreachable(provider.url(), String.valueOf(rootCause(failure).getMessage()));
                        return Optional.<byte[]>empty();
                    }
                    return text.flatMap(t -> accept(provider, hash, t));
                })
                .thenCompose(answer -> answer.isPresent()
                        ? CompletableFuture.completedFuture(answer)
                        : tryProviders(hash, it));
    }

    /** Parses and verifies a peer's narinfo; empty (and reported) when it must not be served. */
    private Optional<byte[]> accept(PeerDirectory.Provider provider, StorePathHash hash, String text) {
        NarInfo info;
        try {
            info = NarInfoText.parse(text);
        } catch (RuntimeException e) {
            return reject(provider, hash, "malformed narinfo: " + e.getMessage());
        }
        if (!info.storePath().hash().equals(hash)) {
            return reject(provider, hash, "it describes " + info.storePath() + " instead");
        }
        Optional<PublicSigningKey> signer = trusted.signerOf(info);
        if (signer.isEmpty()) {
            return reject(provider, hash, "no valid signature by a trusted key (signed by "
                    + info.signatures().stream().map(s -> s.keyName()).collect(Collectors.joining(", ")) + ")");
        }
        // Every verified peer signature stays beside ours, even under our key's name: nodes that share a key name
        // but not a key would otherwise replace each other's signature, and a client trusting only the peer's
        // key would refuse the path.
        NarInfo ours = info.withSignatures(trusted.verifiedSignatures(info)).signedBy(cache.signingKeys());
        byte[] rendered = NarInfoText.render(ours).getBytes(StandardCharsets.UTF_8);
        URI narUrl = URI.create(normalized(provider.url()) + "/" + info.narFile().url());
        nars.put(info.narFile(), new PeerNar(provider.url(), narUrl, ours));
        served.put(hash, rendered);
        fromPeers.incrementAndGet();
        return Optional.of(rendered);
    }

    private Optional<byte[]> reject(PeerDirectory.Provider provider, StorePathHash hash, String reason) {
        rejected.incrementAndGet();
        events.rejected(provider.url(), hash, reason);
        return Optional.empty();
    }

    private static String normalized(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static Throwable rootCause(Throwable failure) {
        return Failures.cause(failure);
    }
}
