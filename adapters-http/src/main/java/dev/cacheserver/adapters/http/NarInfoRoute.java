package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.RequestObserver;
import dev.cacheserver.application.port.in.LookUpNarInfo;
import dev.cacheserver.application.port.in.LookUpNarInfo.LookUpNarInfoCommand;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET}/{@code HEAD /<hash>.narinfo}: the cache's own narinfo; on a local miss the upstreams' (verified,
 * bounded), then the cluster's; 404 when nobody has it, 502/504 only when an upstream failed and no peer answered.
 * Runs on the event loop; a narinfo in memory is answered without a hop.
 */
final class NarInfoRoute {
    static final CharSequence NARINFO_TYPE = HttpHeaders.createOptimized("text/x-nix-narinfo");

    private final LookUpNarInfo narInfos;
    /** Null: no upstreams. */
    private final UpstreamFallback upstreams;
    /** Null: no cluster. */
    private final PeerFallback peers;
    private final CacheResponses responses;
    private final RequestObserver observer;

    NarInfoRoute(LookUpNarInfo narInfos, UpstreamFallback upstreams, PeerFallback peers, CacheResponses responses) {
        this.narInfos = narInfos;
        this.upstreams = upstreams;
        this.peers = peers;
        this.responses = responses;
        this.observer = responses.observer();
    }

    void get(HttpServerRequest request, StorePathHash hash) {
        CompletableFuture<Optional<byte[]>> lookup = narInfos.lookUp(
                new LookUpNarInfoCommand(CacheResponses.caller(request), hash)).toCompletableFuture();
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            answer(request, hash, lookup.join());   // a memory hit: answered without a hop
            return;
        }
        responses.future(lookup).onComplete(found -> {
            if (found.failed()) {
                responses.fail(request, found.cause());
            } else {
                answer(request, hash, found.result());
            }
        });
    }

    private void answer(HttpServerRequest request, StorePathHash hash, Optional<byte[]> info) {
        if (info.isPresent()) {
            if (observer != null) {
                observer.narInfoLocalHit();
            }
            send(request, info.get());
            return;
        }
        if (observer != null) {
            observer.narInfoLocalMiss();
        }
        fromUpstreams(hash).onComplete(upstream -> {
            if (upstream.succeeded() && upstream.result().isPresent()) {
                send(request, upstream.result().get());
            } else {
                fromPeers(request, hash, upstream.failed() ? upstream.cause() : null);
            }
        });
    }

    private Future<Optional<byte[]>> fromUpstreams(StorePathHash hash) {
        return upstreams == null ? Future.succeededFuture(Optional.empty())
                : responses.future(upstreams.useCase().lookup(hash));
    }

    /** The cluster's answer; without one, the upstreams' failure ({@code upstreamFailure}, may be null) or 404. */
    private void fromPeers(HttpServerRequest request, StorePathHash hash, Throwable upstreamFailure) {
        if (peers == null) {
            missing(request, upstreamFailure);
            return;
        }
        responses.future(peers.useCase().lookup(hash)).onComplete(peer -> {
            if (peer.succeeded() && peer.result().isPresent()) {
                if (observer != null) {
                    observer.narInfoPeerHit();
                }
                send(request, peer.result().get());
            } else {
                if (observer != null) {
                    observer.narInfoPeerMiss();
                }
                missing(request, upstreamFailure);
            }
        });
    }

    private void missing(HttpServerRequest request, Throwable upstreamFailure) {
        if (upstreamFailure != null) {
            responses.fail(request, upstreamFailure);
        } else {
            CacheResponses.text(request, 404, "no such path in cache " + responses.cache() + "\n");
        }
    }

    private static void send(HttpServerRequest request, byte[] narInfo) {
        CacheResponses.send(request, 200, NARINFO_TYPE, Buffer.buffer(narInfo));
    }
}
