package dev.cacheserver.application.upstream;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.support.ExpiringMap;
import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.application.ingest.NarIngestion;
import dev.cacheserver.application.port.in.NarClaim;
import dev.cacheserver.application.port.in.NarOrigin;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.UpstreamClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The upstream pull-through of one cache (see {@link ServeFromUpstreams}). The verification is the peer
 * fallback's (parse, same path, a signature by a trusted key, then signed by this cache) with one set of keys
 * per upstream; the copy is kept through the same publish as an upload, so a pulled path is verified, stored,
 * announced and expired like a pushed one. Concurrent misses of one path share one lookup.
 */
final class UpstreamNarInfoService implements ServeFromUpstreams {
    /** How long a verified upstream narinfo (and where its NAR is) is remembered until its NAR is pulled. */
    private static final Duration SERVED_TTL = Duration.ofMinutes(30);
    /** Up to about 1 KiB each: 10 MiB at most, whatever the negative cache's size. */
    private static final int MAX_SERVED = 10_000;

    private final CacheProfile cache;
    private final List<UpstreamState> upstreams;
    private final UpstreamSettings settings;
    private final NarIngestion ingestion;
    private final Function<NarInfo, CompletionStage<NarInfo>> publisher;
    private final UpstreamEvents events;
    private final Clock clock;
    private final ExpiringMap<StorePathHash, Boolean> absent;
    private final ExpiringMap<StorePathHash, byte[]> served;
    private final ExpiringMap<NarFile, UpstreamNar> nars;
    private final ConcurrentHashMap<StorePathHash, CompletableFuture<Optional<byte[]>>> inFlight =
            new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final UpstreamQuery query;

    /** Pulled NARs go through {@code ingestion}; {@code publisher} then publishes their narinfo (NarHash checked). */
    UpstreamNarInfoService(CacheProfile cache, UpstreamClient client, UpstreamSettings settings,
                           NarIngestion ingestion, Function<NarInfo, CompletionStage<NarInfo>> publisher,
                           UpstreamEvents events, Clock clock) {
        this.cache = cache;
        this.settings = settings;
        this.ingestion = ingestion;
        this.publisher = publisher;
        this.events = events;
        this.clock = clock;
        this.query = new UpstreamQuery(client, events, clock);
        List<UpstreamState> states = new ArrayList<>();
        settings.upstreams().forEach(u -> states.add(new UpstreamState(u, clock, settings.backoff())));
        this.upstreams = List.copyOf(states);
        this.absent = new ExpiringMap<>(clock, settings.negativeTtl(), settings.maxRemembered());
        this.served = new ExpiringMap<>(clock, SERVED_TTL, Math.min(MAX_SERVED, settings.maxRemembered()));
        this.nars = new ExpiringMap<>(clock, SERVED_TTL, Math.min(MAX_SERVED, settings.maxRemembered()));
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookup(StorePathHash hash) {
        Optional<byte[]> known = served.get(hash);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        if (absent.get(hash).isPresent()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<byte[]>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<byte[]>> shared = inFlight.putIfAbsent(hash, mine);
        if (shared != null) {
            return shared;
        }
        if (running.incrementAndGet() > settings.maxLookups()) {
            running.decrementAndGet();
            inFlight.remove(hash, mine);
            return CompletableFuture.failedFuture(new UnavailableException(
                    "too many upstream lookups in progress; retry later"));
        }
        askAll(hash).whenComplete((answer, failure) -> {
            running.decrementAndGet();
            inFlight.remove(hash, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(answer);
            }
        });
        return mine;
    }

    /**
     * Every upstream not backing off is asked at once; answers are taken in priority order, so a lower priority
     * upstream wins only when every higher one has said no (or failed) within its timeout.
     */
    private CompletionStage<Optional<byte[]>> askAll(StorePathHash hash) {
        List<UpstreamState> usable = upstreams.stream().filter(u -> !u.backingOff()).toList();
        if (usable.isEmpty()) {
            return CompletableFuture.failedFuture(new UpstreamFailedException(
                    "no upstream cache can answer: every upstream failed recently and is skipped for a while", false));
        }
        List<CompletableFuture<UpstreamQuery.Answer>> answers = new ArrayList<>();
        usable.forEach(u -> answers.add(query.ask(u, hash).toCompletableFuture()));
        CompletionStage<Optional<UpstreamQuery.Answer.Found>> first = CompletableFuture.completedFuture(Optional.empty());
        for (CompletableFuture<UpstreamQuery.Answer> answer : answers) {
            first = first.thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found)
                    : answer.thenApply(a -> a instanceof UpstreamQuery.Answer.Found f ? Optional.of(f) : Optional.empty()));
        }
        return first.thenApply(found -> {
            if (found.isPresent()) {
                return Optional.of(chosen(hash, found.get()));
            }
            List<UpstreamQuery.Answer> all = answers.stream().map(CompletableFuture::join).toList();
            if (all.stream().allMatch(a -> a instanceof UpstreamQuery.Answer.Failed)) {
                boolean timedOut = all.stream().anyMatch(a -> ((UpstreamQuery.Answer.Failed) a).timedOut());
                throw new CompletionException(new UpstreamFailedException("no upstream cache could answer for "
                        + hash + (timedOut ? ": timed out" : ": upstreams failed"), timedOut));
            }
            if (all.stream().noneMatch(a -> a instanceof UpstreamQuery.Answer.Failed)) {
                absent.put(hash, Boolean.TRUE);
            }
            return Optional.empty();
        });
    }

    /** The answer served: signed by this cache, remembered with where its NAR is until the copy is kept. */
    private byte[] chosen(StorePathHash hash, UpstreamQuery.Answer.Found found) {
        NarInfo ours = found.nar().info().signedBy(cache.signingKeys());
        byte[] rendered = NarInfoText.render(ours).getBytes(StandardCharsets.UTF_8);
        nars.put(ours.narFile(), new UpstreamNar(found.nar().upstream(), found.nar().narUrl(), ours));
        served.put(hash, rendered);
        found.upstream().hits.incrementAndGet();
        return rendered;
    }

    @Override
    public Optional<UpstreamNar> locateNar(NarFile file) {
        return nars.get(file);
    }

    @Override
    public CompletionStage<NarSpool> openCopy(UpstreamNar nar) {
        return ingestion.open(NarClaim.of(nar.info(), NarOrigin.UPSTREAM), false);
    }

    @Override
    public CompletionStage<NarInfo> keepCopy(UpstreamNar nar, NarSpool spool, CompletionStage<SpooledBytes> written) {
        StorePathHash hash = nar.info().storePath().hash();
        return ingestion.ingest(spool, written, () -> publisher.apply(nar.info())).thenApply(published -> {
            served.remove(hash);
            nars.remove(nar.info().narFile());
            events.kept(nar.upstream(), hash);
            return published;
        });
    }

    @Override
    public void recordNarBytes(URI upstream, long bytes) {
        state(upstream).ifPresent(s -> s.bytes.addAndGet(bytes));
    }

    @Override
    public void recordNarFailure(URI upstream) {
        state(upstream).ifPresent(UpstreamState::failed);
    }

    @Override
    public List<UpstreamStats> stats() {
        return upstreams.stream().map(UpstreamState::stats).toList();
    }

    private Optional<UpstreamState> state(URI upstream) {
        return upstreams.stream().filter(s -> s.upstream.url().equals(upstream)).findFirst();
    }

}
