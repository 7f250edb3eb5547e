package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.port.ArtifactRepository;
import dev.cacheserver.domain.port.CacheKeyRepository;
import dev.cacheserver.domain.port.DeploymentRepository;
import dev.cacheserver.domain.port.ExclusiveRuns;
import dev.cacheserver.domain.port.MetadataEvents;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.domain.port.NarPlacementRepository;
import dev.cacheserver.domain.port.PinRepository;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.domain.port.TokenRevocations;
import dev.cacheserver.domain.port.UploadRepository;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * One opened, migrated metadata database (the embedded SQLite file or a shared PostgreSQL server) and the
 * repository ports on it, so bootstrap wires the same way whichever database the configuration names. Each call
 * returns a new, stateless adapter over the same connections. {@link #close()} once, when done.
 */
public interface MetadataDatabase {

    NarInfoRepository narInfos();

    NarPlacementRepository placements();

    UploadRepository uploads();

    TokenRevocations tokenRevocations();

    CacheKeyRepository cacheKeys(Clock clock);

    PinRepository pins();

    DeploymentRepository deployments();

    ArtifactRepository artifacts();

    RealisationRepository realisations();

    /** How the processes sharing this database tell each other what they changed. */
    MetadataEvents events();

    /** Work only one of the processes sharing this database may do at a time (garbage collection). */
    ExclusiveRuns exclusiveRuns();

    /** Succeeds when the database answers a trivial query (the readiness check). */
    Future<Void> check();

    /** Closes the connections; statements in flight finish or fail first. */
    Future<Void> close();
}
