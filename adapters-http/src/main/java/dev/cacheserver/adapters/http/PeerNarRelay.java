package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromPeers.PeerNar;
import dev.cacheserver.application.port.in.NarSpool;
import dev.cacheserver.application.port.in.SpooledBytes;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a NAR that only a peer holds: streams the peer's response to the client with back-pressure, and with
 * pull-through also into the spool of the NAR ingest, hashing on the way; once the whole NAR arrived the ingest
 * verifies it against the narinfo and keeps NAR and narinfo here, so the path survives the peer. Never buffers the
 * NAR.
 */
final class PeerNarRelay {
    private static final Logger LOG = LoggerFactory.getLogger(PeerNarRelay.class);
    private static final CharSequence NAR_TYPE = HttpHeaders.createOptimized("application/x-nix-nar");
    private static final int WRITE_QUEUE = 4 * 1024 * 1024;

    private final PeerFallback peers;
    private final Context context;

    PeerNarRelay(PeerFallback peers, Context context) {
        this.peers = peers;
        this.context = context;
    }

    /** Answers {@code request} from the peer; fails (before any header is written) when the peer cannot serve. */
    Future<Void> serve(HttpServerRequest request, NarFile file, PeerNar nar) {
        HttpServerResponse response = request.response();
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, NAR_TYPE)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(nar.info().fileSize()));
            return response.end();
        }
        return peers.client().open(nar.narUrl()).compose(peerResponse -> {
            if (peerResponse.statusCode() != 200) {
                peerResponse.resume();
                return Future.failedFuture(new NotFoundException(
                        "the peer holding this NAR answered " + peerResponse.statusCode()));
            }
            response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, NAR_TYPE)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(nar.info().fileSize()));
            if (!peers.useCase().pullThrough()) {
                return peerResponse.pipeTo(response);
            }
            return relayAndKeep(peerResponse, response, file, nar);
        });
    }

    /**
     * Streams to the client and into the spool of the ingest at once; the client is answered when its copy is sent,
     * and the ingest (verify, store, publish) finishes in the background.
     */
    private Future<Void> relayAndKeep(HttpClientResponse peerResponse, HttpServerResponse response, NarFile file,
                                      PeerNar nar) {
        return Future.fromCompletionStage(peers.useCase().openCopy(nar), context).compose(spool -> {
            Future<SpooledBytes> written = copy(peerResponse, response, spool, nar);
            keep(file, nar, spool, written);
            return written.<Void>mapEmpty();
        });
    }

    private Future<SpooledBytes> copy(HttpClientResponse peerResponse, HttpServerResponse response, NarSpool spool,
                                      PeerNar nar) {
        return context.owner().fileSystem()
                .open(spool.path().toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
                .compose(copy -> {
                    copy.setWriteQueueMaxSize(WRITE_QUEUE);
                    DigestingWriteStream hashing = DigestingWriteStream.sha256(new TeeWriteStream(response, copy),
                            nar.info().fileSize());
                    return peerResponse.pipeTo(hashing)
                            .recover(e -> copy.close().transform(v -> Future.failedFuture(e)))
                            .map(v -> new SpooledBytes(new NixHash(hashing.digest()), hashing.count()));
                });
    }

    private void keep(NarFile file, PeerNar nar, NarSpool spool, Future<SpooledBytes> written) {
        Future.fromCompletionStage(peers.useCase().keepCopy(nar, spool, written.toCompletionStage()), context)
                .onSuccess(info -> LOG.info("kept a local copy of {} from {}", info.storePath(), nar.peer()))
                .onFailure(e -> {
                    if (written.succeeded()) {
                        LOG.warn("could not keep a local copy of {} from {}: {}", file.fileName(), nar.peer(),
                                HttpErrors.answer(e).message());
                    }
                });
    }
}
