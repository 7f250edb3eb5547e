package dev.cacheserver.adapters.http;

import dev.cacheserver.adapters.http.ops.HttpOperations;
import dev.cacheserver.application.port.in.IngestNar;
import dev.cacheserver.application.port.in.UploadNarParts;
import dev.cacheserver.application.port.in.ShowClusterStatus;
import dev.cacheserver.domain.model.CacheName;

/**
 * Everything one cache's HTTP server needs: the cache's name, its protocol ports, the NAR upload use case, and where
 * to listen. {@code maxNarBytes} bounds one NAR upload. {@code peers} (null: none) serves misses from cluster peers.
 * {@code partUploads} (null: none) receives the Cachix upload URLs' part PUTs on this port.
 * {@code operations}: request metrics, the access log and the readiness probe ({@link HttpOperations#NONE}: none).
 * {@code protocolFiles} (null: none) serves build logs, NAR listings and realisations.
 * {@code upstreams} (null: none) serves misses from upstream caches, before {@code peers}.
 * {@code clusterStatus} (null: the path is not served) shows the cluster to server admins.
 */
public record BinaryCacheEndpoint(CacheName cache, NixProtocol protocol, IngestNar uploads,
                                  String host, int port, long maxNarBytes, PeerFallback peers,
                                  UploadNarParts partUploads, HttpOperations operations,
                                  ProtocolFiles protocolFiles, UpstreamFallback upstreams,
                                  ShowClusterStatus clusterStatus) {

    public BinaryCacheEndpoint(CacheName cache, NixProtocol protocol, IngestNar uploads, String host, int port,
                               long maxNarBytes) {
        this(cache, protocol, uploads, host, port, maxNarBytes, null, null, HttpOperations.NONE, null, null, null);
    }

    /** The same endpoint with misses served from cluster peers. */
    public BinaryCacheEndpoint withPeers(PeerFallback fallback) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, fallback, partUploads,
                operations, protocolFiles, upstreams, clusterStatus);
    }

    /** The same endpoint also receiving Cachix multipart part uploads. */
    public BinaryCacheEndpoint withPartUploads(UploadNarParts multipart) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, peers, multipart,
                operations, protocolFiles, upstreams, clusterStatus);
    }

    /** The same endpoint with metrics, access log and readiness. */
    public BinaryCacheEndpoint withOperations(HttpOperations ops) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, peers, partUploads, ops,
                protocolFiles, upstreams, clusterStatus);
    }

    /** The same endpoint also serving build logs, NAR listings and realisations. */
    public BinaryCacheEndpoint withProtocolFiles(ProtocolFiles files) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, peers, partUploads,
                operations, files, upstreams, clusterStatus);
    }

    /** The same endpoint with misses served from upstream caches (before cluster peers). */
    public BinaryCacheEndpoint withUpstreams(UpstreamFallback fallback) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, peers, partUploads,
                operations, protocolFiles, fallback, clusterStatus);
    }

    /** The same endpoint also showing the cluster to server admins. */
    public BinaryCacheEndpoint withClusterStatus(ShowClusterStatus status) {
        return new BinaryCacheEndpoint(cache, protocol, uploads, host, port, maxNarBytes, peers, partUploads,
                operations, protocolFiles, upstreams, status);
    }
}
