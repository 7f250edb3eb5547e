package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromUpstreams.UpstreamNar;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a NAR that only an upstream holds. The first request downloads it: the upstream's bytes go to that
 * client and into the spool of the NAR ingest at once, hashed on the way (the peer relay's tee and digest); once
 * every byte arrived, the ingest checks FileSize and FileHash, stores the NAR and publishes its narinfo (NarHash
 * checked there), or deletes everything. Requests for the same NAR meanwhile follow that one download, reading its
 * spool as it grows ({@link UpstreamNarFollower}); Range requests wait for it and are then served from this cache's
 * storage; so the upstream sees one request. A first client that goes away does not stop the download. Never
 * buffers a NAR.
 */
final class UpstreamNarRelay {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamNarRelay.class);
    private static final CharSequence NAR_TYPE = HttpHeaders.createOptimized("application/x-nix-nar");
    private static final int WRITE_QUEUE = 4 * 1024 * 1024;

    private final UpstreamFallback upstreams;
    private final Context context;

    UpstreamNarRelay(UpstreamFallback upstreams, Context context) {
        this.upstreams = upstreams;
        this.context = context;
    }

    /**
     * Answers {@code request} while downloading (true), or completes false once the NAR is stored here and the
     * caller should serve it from storage; fails with UpstreamFailedException when the download failed.
     */
    Future<Boolean> serve(HttpServerRequest request, NarFile file, UpstreamNar nar) {
        HttpServerResponse response = request.response();
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, NAR_TYPE).putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(nar.info().fileSize()));
            return response.end().map(true);
        }
        SpoolingDownload lead = new SpoolingDownload();
        SpoolingDownload running = upstreams.downloads().putIfAbsent(file, lead);
        if (running != null) {
            return request.getHeader("Range") == null
                    ? UpstreamNarFollower.follow(context, running, response, nar.info().fileSize())
                    : stored(running.done());
        }
        boolean streamToClient = request.getHeader("Range") == null;
        Future<Void> download = download(file, nar, streamToClient ? response : null, lead);
        download.onComplete(done -> {
            upstreams.downloads().remove(file, lead);
            lead.finished(done.succeeded() ? null : done.cause());
        });
        return streamToClient ? download.map(true) : stored(lead.done());
    }

    private Future<Boolean> stored(CompletableFuture<Void> download) {
        return Future.fromCompletionStage(download, context).transform(done -> done.succeeded()
                ? Future.succeededFuture(false)
                : Future.failedFuture(new UpstreamFailedException("downloading this NAR from the upstream failed ("
                        + HttpErrors.answer(done.cause()).message() + "); retry", false)));
    }

    /** Downloads into storage, and to {@code client} when not null; completes once stored and published here. */
    private Future<Void> download(NarFile file, UpstreamNar nar, HttpServerResponse client, SpoolingDownload lead) {
        return upstreams.client().open(nar.narUrl())
                .compose(upstream -> Future.fromCompletionStage(upstreams.useCase().openCopy(nar), context)
                        .compose(spool -> keep(nar, spool, copy(upstream, spool, nar, client, lead)), e -> {
                            upstream.end();
                            return Future.failedFuture(e);
                        }))
                .onFailure(e -> {
                    upstreams.useCase().recordNarFailure(nar.upstream());
                    LOG.warn("could not pull {} from {}: {}", file.fileName(), nar.upstream(),
                            HttpErrors.answer(e).message());
                });
    }

    /** Copies the upstream's bytes into the ingest's spool (and to {@code client}), hashing them on the way. */
    private Future<SpooledBytes> copy(HttpClientResponse upstream, NarSpool spool, UpstreamNar nar,
                                      HttpServerResponse client, SpoolingDownload lead) {
        long size = nar.info().fileSize();
        return context.owner().fileSystem()
                .open(spool.path().toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
                .compose(copy -> {
                    copy.setWriteQueueMaxSize(WRITE_QUEUE);
                    lead.spoolOpened(spool.path());
                    WriteStream<Buffer> spoolWrites = new SpoolWrites(copy, lead);
                    if (client != null) {
                        client.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, NAR_TYPE)
                                .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
                    }
                    WriteStream<Buffer> target = client == null ? spoolWrites
                            : new TeeWriteStream(new DetachableResponse(client), spoolWrites);
                    DigestingWriteStream hashing = DigestingWriteStream.sha256(target, size);
                    return upstream.pipeTo(hashing)
                            .compose(v -> {
                                upstreams.useCase().recordNarBytes(nar.upstream(), hashing.count());
                                return Future.succeededFuture(new SpooledBytes(new NixHash(hashing.digest()),
                                        hashing.count()));
                            }, e -> closeQuietly(copy).transform(ignored -> Future.failedFuture(e)));
                });
    }

    /** The ingest verifies FileSize and FileHash, stores the NAR and publishes its narinfo, or deletes the spool. */
    private Future<Void> keep(UpstreamNar nar, NarSpool spool, Future<SpooledBytes> written) {
        return Future.fromCompletionStage(upstreams.useCase().keepCopy(nar, spool, written.toCompletionStage()),
                context).map(info -> {
                    LOG.info("kept {} pulled from {}", info.storePath(), nar.upstream());
                    return null;
                });
    }

    private static Future<Void> closeQuietly(AsyncFile file) {
        return file.close().recover(e -> Future.succeededFuture());
    }
}
