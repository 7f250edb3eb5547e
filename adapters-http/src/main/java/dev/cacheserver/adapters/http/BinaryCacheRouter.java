package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.HealthEndpoints;
import dev.cacheserver.adapters.http.ops.RequestObserver;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Nix binary-cache protocol for one cache (see specs/nix-client.md): sends each request to the route of its path
 * family. Unknown paths get 404, known paths with other methods 405; whatever a route throws is answered through the
 * port's one error writer. Runs on an event loop.
 */
final class BinaryCacheRouter implements Handler<HttpServerRequest> {
    private static final String ALLOWED = "GET, HEAD, PUT";
    private static final String NAR_PREFIX = "/nar/";
    private static final int NARINFO_PATH_LENGTH = 1 + StorePathHash.LENGTH + ".narinfo".length();
    private static final int LISTING_PATH_LENGTH = 1 + StorePathHash.LENGTH + BuildArtifactRoute.LISTING_SUFFIX.length();

    private final BinaryCacheEndpoint endpoint;
    private final CacheResponses responses;
    /** Null when neither metrics nor the access log are on: then a request costs nothing extra. */
    private final RequestObserver observer;
    private final NarInfoRoute narInfos;
    private final NarInfoUploadRoute narInfoUploads;
    private final NarReadRoute narReads;
    private final NarUploadRoute narUploads;
    private final CacheInfoRoute cacheInfo;
    /** Null: no cluster status on this port. */
    private final ClusterStatusRoute clusterStatus;
    /** Null: no Cachix part uploads on this port. */
    private final UploadPartRequestHandler partUploads;
    /** Null when the cache serves no build logs, listings or realisations. */
    private final BuildArtifactRoute artifacts;
    private final RealisationRoute realisations;

    BinaryCacheRouter(BinaryCacheEndpoint endpoint, Context context) {
        this.endpoint = endpoint;
        this.observer = endpoint.operations().cachePort(endpoint.cache().value());
        this.responses = new CacheResponses(endpoint.cache(), context, observer);
        NixProtocol protocol = endpoint.protocol();
        this.narInfos = new NarInfoRoute(protocol.narInfos(), endpoint.upstreams(), endpoint.peers(), responses);
        this.narInfoUploads = new NarInfoUploadRoute(protocol.publisher(), responses);
        this.narReads = new NarReadRoute(endpoint, responses);
        this.narUploads = new NarUploadRoute(endpoint.uploads(), responses);
        this.cacheInfo = new CacheInfoRoute(protocol.cacheInfo(), responses);
        this.clusterStatus = endpoint.clusterStatus() == null ? null
                : new ClusterStatusRoute(endpoint.clusterStatus(), responses);
        this.partUploads = endpoint.partUploads() == null ? null
                : new UploadPartRequestHandler(endpoint.partUploads(), endpoint.cache(), context);
        this.artifacts = endpoint.protocolFiles() == null ? null
                : new BuildArtifactRoute(endpoint.protocolFiles(), responses);
        this.realisations = endpoint.protocolFiles() == null ? null
                : new RealisationRoute(endpoint.protocolFiles(), responses);
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (observer != null) {
            observer.observe(request);
        }
        try {
            route(request);
        } catch (RuntimeException e) {
            responses.fail(request, e);
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
        boolean put = method == HttpMethod.PUT;
        if (isNarInfo(path)) {
            StorePathHash hash = new StorePathHash(path.substring(1, 1 + StorePathHash.LENGTH));
            if (read) {
                narInfos.get(request, hash);
            } else if (put) {
                narInfoUploads.put(request, hash);
            } else {
                CacheResponses.methodNotAllowed(request, ALLOWED);
            }
        } else if (path.startsWith(NAR_PREFIX)) {
            String fileName = path.substring(NAR_PREFIX.length());
            if (read) {
                narReads.get(request, fileName);
            } else if (put) {
                narUploads.put(request, NarFile.parseFileName(fileName));
            } else {
                CacheResponses.methodNotAllowed(request, ALLOWED);
            }
        } else if (read && clusterStatus != null && path.equals(ClusterStatusRoute.PATH)) {
            clusterStatus.get(request);
        } else if (path.equals("/nix-cache-info")) {
            if (read) {
                cacheInfo.get(request);
            } else if (put) {
                cacheInfo.acceptAndIgnore(request);
            } else {
                CacheResponses.methodNotAllowed(request, ALLOWED);
            }
        } else if (artifacts != null && path.startsWith(RealisationRoute.PREFIX)) {
            realisations.handle(request, path.substring(RealisationRoute.PREFIX.length()));
        } else if (artifacts != null && artifacts.handle(request, path)) {
            return;
        } else if (put && path.length() == LISTING_PATH_LENGTH && path.endsWith(BuildArtifactRoute.LISTING_SUFFIX)) {
            // NAR listings (write-nar-listing=true) are optional for Nix; accepted so such pushes work, not kept.
            cacheInfo.acceptAndIgnore(request);
        } else if (HealthEndpoints.handles(path)) {
            HealthEndpoints.serve(request, endpoint.operations().readiness());
        } else {
            CacheResponses.text(request, 404, "not found\n");
        }
    }

    private static boolean isNarInfo(String path) {
        return path.length() == NARINFO_PATH_LENGTH && path.endsWith(".narinfo")
                && StorePathHash.isValid(path.substring(1, 1 + StorePathHash.LENGTH));
    }
}
