package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.http.ProtocolFiles;
import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.adapters.storage.LocalArtifactFiles;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.artifact.ArtifactPorts;
import dev.cacheserver.application.artifact.OrphanedArtifactSweep;
import dev.cacheserver.bootstrap.config.AppConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Build logs, NAR listings and realisations per cache: files under {@code <data-dir>/artifacts/<cache>}, rows in the
 * database, and the sweep of orphans that runs after each garbage collection of the cache.
 */
final class ProtocolFilesWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolFilesWiring.class);
    /** A NAR listing has one small JSON entry per file of its NAR; this is far above a real one. */
    static final long MAX_LISTING_BYTES = 64L << 20;
    /** Nix uploads a listing before its narinfo; nothing this young is an orphan. */
    static final Duration ORPHAN_GRACE = Duration.ofHours(1);

    private final Map<String, OrphanedArtifactSweep> sweeps = new ConcurrentHashMap<>();

    /** The protocol files of {@code cache}; its sweep is registered for {@link #afterGarbageCollection}. */
    ProtocolFiles open(Vertx vertx, AppConfig config, MetadataDatabase database, CacheProfile cache,
                       AccessPolicy access) throws Exception {
        Path root = artifactDirectory(config, cache.name().value());
        LocalArtifactFiles files = CacheServer.await(LocalArtifactFiles.open(vertx, root));
        ArtifactRepository artifacts = database.artifacts();
        RealisationRepository realisations = database.realisations();
        Clock clock = Clock.systemUTC();
        sweeps.put(cache.name().value(), new OrphanedArtifactSweep(cache, files, artifacts, realisations,
                ORPHAN_GRACE, clock));
        ArtifactPorts ports = ArtifactPorts.create(cache, access, files, artifacts, realisations, clock);
        return new ProtocolFiles(ports.lookUpBuildArtifact(), ports.storeBuildArtifact(), ports.lookUpRealisation(),
                ports.publishRealisation(), config.server().maxBuildLogBytes(), MAX_LISTING_BYTES);
    }

    static Path artifactDirectory(AppConfig config, String cache) {
        return config.server().dataDir().resolve("artifacts").resolve(cache);
    }

    /** The GC hook: removes the logs, listings and realisations of {@code cache} whose paths are gone. */
    void afterGarbageCollection(String cache) {
        OrphanedArtifactSweep sweep = sweeps.get(cache);
        if (sweep == null) {
            return;
        }
        sweep.removeOrphans().whenComplete((removed, failure) -> {
            if (failure != null) {
                LOG.warn("gc {}: removing orphaned build logs, listings and realisations failed: {}", cache,
                        failure.toString());
            } else if (removed.artifacts() + removed.realisations() > 0) {
                LOG.info("gc {}: {} build logs or NAR listings and {} realisations removed with their paths", cache,
                        removed.artifacts(), removed.realisations());
            }
        });
    }
}
