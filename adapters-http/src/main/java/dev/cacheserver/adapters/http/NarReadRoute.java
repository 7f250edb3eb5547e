package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ReadNar;
import dev.cacheserver.application.port.in.ReadNar.NarRead;
import dev.cacheserver.application.port.in.ReadNar.ReadNarCommand;
import dev.cacheserver.domain.model.NarFile;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET}/{@code HEAD /nar/<filehash>.nar[.ext]}: a NAR this cache stores; otherwise one an upstream (pulled
 * through and stored, then served from here) or a cluster peer (streamed through) serves; 404 when nobody does.
 */
final class NarReadRoute {
    private final ReadNar nars;
    /** Null: no upstreams. */
    private final UpstreamFallback upstreams;
    private final UpstreamNarRelay upstreamNars;
    /** Null: no cluster. */
    private final PeerFallback peers;
    private final PeerNarRelay peerNars;
    private final NarResponse narResponse;
    private final CacheResponses responses;

    NarReadRoute(BinaryCacheEndpoint endpoint, CacheResponses responses) {
        this.nars = endpoint.protocol().nars();
        this.upstreams = endpoint.upstreams();
        this.upstreamNars = upstreams == null ? null
                : new UpstreamNarRelay(upstreams, responses.context());
        this.peers = endpoint.peers();
        this.peerNars = peers == null ? null : new PeerNarRelay(peers, responses.context());
        this.narResponse = new NarResponse(responses);
        this.responses = responses;
    }

    void get(HttpServerRequest request, String fileName) {
        ReadNarCommand command = new ReadNarCommand(CacheResponses.caller(request), fileName);
        request.pause();
        responses.future(nars.read(command)).onComplete(result -> {
            request.resume();
            if (result.failed()) {
                responses.fail(request, result.cause());
                return;
            }
            NarRead read = result.result();
            NarFile file = read.file();
            if (read.location().isPresent()) {
                narResponse.send(request, read.location().get());
            } else if (upstreamNars != null && upstreams.useCase().locateNar(file).isPresent()) {
                upstreamNars.serve(request, file, upstreams.useCase().locateNar(file).get())
                        .onSuccess(answered -> {
                            if (!answered) {
                                serveStored(request, command);
                            }
                        })
                        .onFailure(e -> responses.fail(request, e));
            } else if (peers != null && peers.useCase().locateNar(file).isPresent()) {
                peerNars.serve(request, file, peers.useCase().locateNar(file).get())
                        .onFailure(e -> responses.fail(request, e));
            } else {
                notFound(request);
            }
        });
    }

    /** Serves a NAR that was just pulled into storage. */
    private void serveStored(HttpServerRequest request, ReadNarCommand command) {
        responses.future(nars.read(command)).onComplete(result -> {
            if (result.failed()) {
                responses.fail(request, result.cause());
            } else if (result.result().location().isEmpty()) {
                notFound(request);
            } else {
                narResponse.send(request, result.result().location().get());
            }
        });
    }

    private void notFound(HttpServerRequest request) {
        CacheResponses.text(request, 404, "no such NAR in cache " + responses.cache() + "\n");
    }
}
