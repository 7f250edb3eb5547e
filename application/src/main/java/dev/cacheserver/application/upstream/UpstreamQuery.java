package dev.cacheserver.application.upstream;

import dev.cacheserver.application.port.in.ServeFromUpstreams.UpstreamNar;
import dev.cacheserver.domain.error.Failures;
import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.UpstreamClient;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Asks one upstream for one narinfo and judges the answer: found only when it parses, describes the path asked for
 * and carries a signature by one of that upstream's keys; a refused answer counts as missing and is reported.
 * Counts requests, latency, misses, rejections and failures on the upstream's state. Thread-safe; never blocks.
 */
final class UpstreamQuery {
    private final UpstreamClient client;
    private final UpstreamEvents events;
    private final Clock clock;

    UpstreamQuery(UpstreamClient client, UpstreamEvents events, Clock clock) {
        this.client = client;
        this.events = events;
        this.clock = clock;
    }

    CompletionStage<Answer> ask(UpstreamState upstream, StorePathHash hash) {
        URI url = upstream.upstream.url();
        long started = clock.millis();
        return upstream.checkedCacheInfo(client)
                .thenCompose(ok -> client.fetchNarInfo(url, hash))
                .handle((text, failure) -> {
                    if (failure != null) {
                        Throwable cause = Failures.cause(failure);
                        upstream.failed();
                        events.failed(url, String.valueOf(cause.getMessage()));
                        return new Answer.Failed(cause instanceof UpstreamFailedException f && f.timedOut());
                    }
                    upstream.requests.incrementAndGet();
                    upstream.latencyMillis.addAndGet(clock.millis() - started);
                    if (text.isEmpty()) {
                        upstream.misses.incrementAndGet();
                        return Answer.MISSING;
                    }
                    return accept(upstream, hash, text.get());
                });
    }

    /** Parses and verifies an upstream's narinfo; a missing (and reported) answer when it must not be served. */
    private Answer accept(UpstreamState upstream, StorePathHash hash, String text) {
        NarInfoText.ForeignNarInfo foreign;
        try {
            foreign = NarInfoText.parseForeign(text);
        } catch (RuntimeException e) {
            return reject(upstream, hash, "malformed narinfo: " + e.getMessage());
        }
        NarInfo info = foreign.info();
        if (!info.storePath().hash().equals(hash)) {
            return reject(upstream, hash, "it describes " + info.storePath() + " instead");
        }
        if (!signedByOneOf(info, upstream.upstream.publicKeys())) {
            return reject(upstream, hash, info.signatures().isEmpty() ? "it is not signed"
                    : "no signature verifies against the keys configured for this upstream");
        }
        URI narUrl;
        try {
            narUrl = UpstreamNarUrl.resolve(upstream.upstream.url(), foreign.url());
        } catch (IllegalArgumentException e) {
            return reject(upstream, hash, e.getMessage());
        }
        return new Answer.Found(upstream, new UpstreamNar(upstream.upstream.url(), narUrl, info));
    }

    private static boolean signedByOneOf(NarInfo info, List<PublicSigningKey> keys) {
        return keys.stream().anyMatch(key -> info.signatureBy(key).isPresent());
    }

    private Answer reject(UpstreamState upstream, StorePathHash hash, String reason) {
        upstream.rejected.incrementAndGet();
        events.rejected(upstream.upstream.url(), hash, reason);
        return Answer.MISSING;
    }

    sealed interface Answer {
        Answer MISSING = new Missing();

        record Found(UpstreamState upstream, UpstreamNar nar) implements Answer {
        }

        record Missing() implements Answer {
        }

        record Failed(boolean timedOut) implements Answer {
        }
    }
}
