package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.HealthEndpoints;
import dev.cacheserver.adapters.http.ops.RequestObserver;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.port.NarLocation;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nix binary-cache protocol for one cache (see specs/nix-client.md): {@code /nix-cache-info},
 * {@code /<hash>.narinfo} and {@code /nar/<filehash>.nar[.ext]}, for GET, HEAD and PUT. Runs on an event loop;
 * every slow step is a future from the use cases. Unknown paths get 404, known paths with other methods 405.
 */
final class BinaryCacheRequestHandler implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryCacheRequestHandler.class);
    private static final CharSequence NARINFO_TYPE = HttpHeaders.createOptimized("text/x-nix-narinfo");
    private static final CharSequence CACHE_INFO_TYPE = HttpHeaders.createOptimized("text/x-nix-cache-info");
    private static final CharSequence NAR_TYPE = HttpHeaders.createOptimized("application/x-nix-nar");
    private static final CharSequence TEXT_TYPE = HttpHeaders.createOptimized("text/plain; charset=utf-8");
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");
    private static final String DHT_STATUS_PATH = "/api/v1/dht/status";
    private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");
    private static final int NARINFO_PATH_LENGTH = 1 + StorePathHash.LENGTH + ".narinfo".length();
    private static final int SMALL_BODY_LIMIT = 64 * 1024;

    private final BinaryCacheEndpoint endpoint;
    private final CacheProfile cache;
    private final Context context;
    private final Buffer cacheInfo;
    private final PeerNarRelay peerNars;
    private final UpstreamNarRelay upstreamNars;
    private final UploadPartRequestHandler partUploads;
    private final NarUploadRoute narUploads;
    /** Null when the cache serves no build logs, listings or realisations. */
    private final ProtocolFileRoutes protocolFiles;
    /** Null when neither metrics nor the access log are on: then a request costs nothing extra. */
    private final RequestObserver observer;

    BinaryCacheRequestHandler(BinaryCacheEndpoint endpoint, Context context) {
        this.endpoint = endpoint;
        this.cache = endpoint.cache();
        this.context = context;
        this.cacheInfo = Buffer.buffer(cache.nixCacheInfo());
        this.peerNars = endpoint.peers() == null ? null : new PeerNarRelay(endpoint.peers(), context);
        this.upstreamNars = endpoint.upstreams() == null ? null
                : new UpstreamNarRelay(endpoint.upstreams(), context);
        this.partUploads = endpoint.partUploads() == null ? null
                : new UploadPartRequestHandler(endpoint.partUploads(), cache.name(), context);
        this.narUploads = new NarUploadRoute(endpoint.uploads(), cache, context, this::fail);
        this.protocolFiles = endpoint.protocolFiles() == null ? null
                : new ProtocolFileRoutes(endpoint.protocolFiles(), cache, endpoint.access(), context, this::fail);
        this.observer = endpoint.operations().cachePort(cache.name().value());
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (observer != null) {
            observer.observe(request);
        }
        try {
            route(request);
        } catch (RuntimeException e) {
            fail(request, e);
        }
    }

    private void route(HttpServerRequest request) {
        String path = request.path();
        if (partUploads != null && path.startsWith(PartUploadUrls.PATH_PREFIX)) {
            partUploads.handle(request);
            return;
        }
        HttpMethod method = request.method();
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (path.length() == NARINFO_PATH_LENGTH && path.endsWith(".narinfo")
                && StorePathHash.isValid(path.substring(1, 1 + StorePathHash.LENGTH))) {
            StorePathHash hash = new StorePathHash(path.substring(1, 1 + StorePathHash.LENGTH));
            if (read) {
                getNarInfo(request, hash);
            } else if (method == HttpMethod.PUT) {
                putNarInfo(request, hash);
            } else {
                methodNotAllowed(request, "GET, HEAD, PUT");
            }
        } else if (path.startsWith("/nar/")) {
            if (read) {
                getNar(request, path.substring(5));
            } else if (method == HttpMethod.PUT) {
                narUploads.handle(request, NarFile.parseFileName(path.substring(5)));
            } else {
                methodNotAllowed(request, "GET, HEAD, PUT");
            }
        } else if (path.equals(DHT_STATUS_PATH) && read) {
            dhtStatus(request);
        } else if (path.equals("/nix-cache-info")) {
            if (read) {
                endpoint.access().check(cache, Permission.READ, token(request));
                send(request, 200, CACHE_INFO_TYPE, cacheInfo);
            } else if (method == HttpMethod.PUT) {
                acceptAndIgnore(request);
            } else {
                methodNotAllowed(request, "GET, HEAD, PUT");
            }
        } else if (protocolFiles != null && protocolFiles.handle(request, path)) {
            return;
        } else if (path.length() == 1 + StorePathHash.LENGTH + 3 && path.endsWith(".ls") && method == HttpMethod.PUT) {
            // NAR listings (write-nar-listing=true) are optional for Nix; accepted so such pushes work, not kept.
            acceptAndIgnore(request);
        } else if (HealthEndpoints.handles(path)) {
            HealthEndpoints.serve(request, endpoint.operations().readiness());
        } else {
            send(request, 404, TEXT_TYPE, Buffer.buffer("not found\n"));
        }
    }

    private void getNarInfo(HttpServerRequest request, StorePathHash hash) {
        endpoint.access().check(cache, Permission.READ, token(request));
        CompletableFuture<Optional<byte[]>> lookup = endpoint.narInfos().lookup(hash).toCompletableFuture();
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            answerNarInfo(request, hash, lookup.join());   // a memory hit: answered without a hop
            return;
        }
        future(lookup).onComplete(found -> {
            if (found.failed()) {
                fail(request, found.cause());
            } else {
                answerNarInfo(request, hash, found.result());
            }
        });
    }

    private void answerNarInfo(HttpServerRequest request, StorePathHash hash, Optional<byte[]> info) {
        if (info.isPresent()) {
            if (observer != null) {
                observer.narInfoLocalHit();
            }
            send(request, 200, NARINFO_TYPE, Buffer.buffer(info.get()));
            return;
        }
        if (observer != null) {
            observer.narInfoLocalMiss();
        }
        // A local miss asks the upstreams (verified, bounded), then the cluster; 502/504 only if nobody could answer.
        fromUpstreams(hash).onComplete(upstream -> {
            if (upstream.succeeded() && upstream.result().isPresent()) {
                send(request, 200, NARINFO_TYPE, Buffer.buffer(upstream.result().get()));
            } else {
                fromPeers(request, hash, upstream.failed() ? upstream.cause() : null);
            }
        });
    }

    private Future<Optional<byte[]>> fromUpstreams(StorePathHash hash) {
        return endpoint.upstreams() == null ? Future.succeededFuture(Optional.empty())
                : future(endpoint.upstreams().useCase().lookup(hash));
    }

    /** The cluster's answer; without one, the upstreams' failure ({@code upstreamFailure}, may be null) or 404. */
    private void fromPeers(HttpServerRequest request, StorePathHash hash, Throwable upstreamFailure) {
        if (endpoint.peers() == null) {
            missing(request, upstreamFailure);
            return;
        }
        // A local miss asks the cluster: bounded, verified, answered 404 when no trusted peer has it.
        future(endpoint.peers().useCase().lookup(hash)).onComplete(peer -> {
            if (peer.succeeded() && peer.result().isPresent()) {
                if (observer != null) {
                    observer.narInfoPeerHit();
                }
                send(request, 200, NARINFO_TYPE, Buffer.buffer(peer.result().get()));
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
            fail(request, upstreamFailure);
        } else {
            send(request, 404, TEXT_TYPE, Buffer.buffer("no such path in cache " + cache.name() + "\n"));
        }
    }

    /** {@code GET /api/v1/dht/status}: the cluster view, for server admins only. */
    private void dhtStatus(HttpServerRequest request) {
        endpoint.access().checkAdmin(token(request));
        if (endpoint.peers() == null) {
            send(request, 404, TEXT_TYPE, Buffer.buffer("cluster fallback is not configured for this cache\n"));
            return;
        }
        future(endpoint.peers().useCase().status()).onComplete(status -> {
            if (status.failed()) {
                fail(request, status.cause());
            } else {
                send(request, 200, JSON_TYPE, ClusterStatusJson.render(cache.name().value(), status.result()).toBuffer());
            }
        });
    }

    private void getNar(HttpServerRequest request, String fileName) {
        endpoint.access().check(cache, Permission.READ, token(request));
        NarFile file;
        try {
            file = NarFile.parseFileName(fileName);
        } catch (InvalidInputException e) {
            send(request, 404, TEXT_TYPE, Buffer.buffer("not found\n"));
            return;
        }
        request.pause();
        future(endpoint.nars().locate(file)).onComplete(result -> {
            request.resume();
            if (result.failed()) {
                fail(request, result.cause());
            } else if (result.result().isEmpty() && upstreamNars != null
                    && endpoint.upstreams().useCase().locateNar(file).isPresent()) {
                upstreamNars.serve(request, file, endpoint.upstreams().useCase().locateNar(file).get())
                        .onSuccess(answered -> {
                            if (!answered) {
                                serveStored(request, file);
                            }
                        })
                        .onFailure(e -> fail(request, e));
            } else if (result.result().isEmpty() && endpoint.peers() != null
                    && endpoint.peers().useCase().locateNar(file).isPresent()) {
                peerNars.serve(request, file, endpoint.peers().useCase().locateNar(file).get())
                        .onFailure(e -> fail(request, e));
            } else if (result.result().isEmpty()) {
                send(request, 404, TEXT_TYPE, Buffer.buffer("no such NAR in cache " + cache.name() + "\n"));
            } else {
                endpoint.narInfos().recordNarRead(file);
                serveNar(request, result.result().get());
            }
        });
    }

    /** Serves a NAR that was just pulled into storage. */
    private void serveStored(HttpServerRequest request, NarFile file) {
        future(endpoint.nars().locate(file)).onComplete(result -> {
            if (result.failed()) {
                fail(request, result.cause());
            } else if (result.result().isEmpty()) {
                send(request, 404, TEXT_TYPE, Buffer.buffer("no such NAR in cache " + cache.name() + "\n"));
            } else {
                endpoint.narInfos().recordNarRead(file);
                serveNar(request, result.result().get());
            }
        });
    }

    private void serveNar(HttpServerRequest request, NarLocation location) {
        HttpServerResponse response = request.response();
        if (location instanceof NarLocation.Redirect redirect) {
            response.setStatusCode(302).putHeader(HttpHeaders.LOCATION, redirect.uri().toString()).end();
            return;
        }
        long size = location.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(request.getHeader("Range"), size);
        } catch (ByteRange.Unsatisfiable e) {
            response.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
            return;
        }
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, NAR_TYPE);
        headers.set(HttpHeaders.ACCEPT_RANGES, BYTES);
        long offset = 0;
        long length = size;
        if (range.isPresent()) {
            offset = range.get().start();
            length = range.get().length();
            response.setStatusCode(206);
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + offset + "-" + range.get().endInclusive() + "/" + size);
        }
        if (request.method() == HttpMethod.HEAD) {
            headers.set(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
            response.end();
            return;
        }
        if (location instanceof NarLocation.Streamed streamed) {
            StreamedNarResponse.send(context, response, streamed, offset, length, e -> fail(request, e));
            return;
        }
        NarLocation.LocalFile local = (NarLocation.LocalFile) location;
        Channel corked = TcpCork.cork(request);
        response.sendFile(local.path().toString(), offset, length).onComplete(sent -> {
            TcpCork.uncork(corked);
            if (sent.failed()) {
                // Headers are gone already; the client sees a short body and retries with Range.
                LOG.debug("sending {} failed: {}", local.path(), sent.cause().toString());
                request.connection().close();
            }
        });
    }

    private void putNarInfo(HttpServerRequest request, StorePathHash hash) {
        endpoint.access().check(cache, Permission.WRITE, token(request));
        if (DeclaredLength.of(request) > NarInfoText.MAX_BYTES) {
            throw new PayloadTooLargeException("a narinfo may have at most " + NarInfoText.MAX_BYTES + " bytes");
        }
        ExpectContinue.answer(request);
        BoundedBody.read(request, NarInfoText.MAX_BYTES)
                .compose(body -> future(endpoint.publisher().publish(hash, body.toString(StandardCharsets.UTF_8))))
                .onSuccess(info -> send(request, 200, TEXT_TYPE, Buffer.buffer()))
                .onFailure(e -> {
                    if (!ClientGone.is(request, e)) {
                        LOG.warn("cache {}: rejected narinfo {}: {}", cache.name(), hash, HttpErrors.answer(e).message());
                    }
                    fail(request, e);
                });
    }

    /** {@code PUT /nix-cache-info} (and NAR listings where they are not kept): authorised, read, and dropped. */
    private void acceptAndIgnore(HttpServerRequest request) {
        endpoint.access().check(cache, Permission.WRITE, token(request));
        ExpectContinue.answer(request);
        BoundedBody.read(request, SMALL_BODY_LIMIT)
                .onSuccess(body -> send(request, 200, TEXT_TYPE, Buffer.buffer()))
                .onFailure(e -> fail(request, e));
    }


    private static Optional<String> token(HttpServerRequest request) {
        return Credentials.token(request.getHeader(HttpHeaders.AUTHORIZATION));
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }


    private void methodNotAllowed(HttpServerRequest request, String allow) {
        request.response().putHeader(HttpHeaders.ALLOW, allow);
        send(request, 405, TEXT_TYPE, Buffer.buffer("method not allowed\n"));
    }

    private void fail(HttpServerRequest request, Throwable failure) {
        if (ClientGone.is(request, failure)) {
            LOG.info("cache {}: {} {}: the client went away: {}", cache.name(), request.method(), request.path(),
                    failure.toString());
            return;
        }
        if (observer != null) {
            observer.failed(request, failure);
        }
        HttpErrors.Answer answer = HttpErrors.answer(failure);
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        if (answer.status() == 401) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"cache-server " + cache.name() + "\"");
        }
        if (answer.retryable()) {
            response.putHeader(HttpHeaders.RETRY_AFTER, "5");
        }
        // The body was not read; closing is the only way to keep the next request on this connection sane.
        UnreadBody.closeAfterAnswer(request);
        send(request, answer.status(), TEXT_TYPE, Buffer.buffer(answer.message() + "\n"));
    }

    private static void send(HttpServerRequest request, int status, CharSequence type, Buffer body) {
        HttpServerResponse response = request.response();
        response.setStatusCode(status);
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, type);
        headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(body);
        }
    }
}
