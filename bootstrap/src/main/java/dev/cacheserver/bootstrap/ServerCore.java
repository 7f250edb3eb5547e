package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.RevocationList;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.auth.Hs256Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1 of the start ({@link ServerStartup}): what every later step shares. Vert.x, the keys, one token verifier and
 * access policy (so a reload's new {@code server.key} reaches the caches, the API and Cachix Deploy at once), the
 * database, the NAR content hasher and the operations wiring (metrics, access log, readiness).
 */
record ServerCore(Vertx vertx, KeyRing keys, Hs256Tokens tokens, RevocationList revocations, AccessPolicy access,
                  MetadataDatabase database, DecompressingNarContentHasher hasher, Operations ops, int cores) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCore.class);

    /** Opens everything or nothing: on failure Vert.x is closed again. Blocks the calling thread. */
    static ServerCore open(AppConfig config) throws Exception {
        KeyRing keys = new KeyRing(config);
        RevocationList revocations = new RevocationList();
        Hs256Tokens tokens = new Hs256Tokens(keys.tokenKey());
        AccessPolicy access = new AccessPolicy(tokens, Clock.systemUTC(), revocations);
        int cores = Runtime.getRuntime().availableProcessors();
        // No class-path resolving: every path the server opens is a real file, and the resolver would otherwise
        // stat each NAR again before sendFile (and create a cache directory under /tmp at start).
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, cores))
                .setPreferNativeTransport(true)
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
        try {
            LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll (native)"
                    : "NIO (" + vertx.unavailableNativeTransportCause() + ")");
            MetadataDatabase database = CacheServer.await(MetadataDatabases.open(vertx, config.server()));
            DecompressingNarContentHasher hasher = new DecompressingNarContentHasher(vertx);
            Operations ops = Operations.create(vertx, config, database);
            return new ServerCore(vertx, keys, tokens, revocations, access, database, hasher, ops, cores);
        } catch (Exception e) {
            closeVertx(vertx);
            throw e;
        }
    }

    /** Closes the database and the hasher (after every port and verticle has stopped). */
    void closeStores() throws Exception {
        Future.join(database.close(), hasher.close()).await(30, TimeUnit.SECONDS);
    }

    static void closeVertx(Vertx vertx) {
        try {
            vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x failed: {}", e.toString());
        }
    }
}
