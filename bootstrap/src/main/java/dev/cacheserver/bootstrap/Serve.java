package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.ConfigLoader;
import java.util.Optional;
import dev.cacheserver.adapters.http.BinaryCacheVerticle;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The {@code serve} command: start, print how to use each cache, run until SIGTERM/SIGINT, stop in order
 * ({@link CacheServer#stop}: in-flight requests get their grace period) and exit 0. SIGHUP re-reads the
 * configuration file ({@link ConfigReload}).
 */
final class Serve {
    private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

    private Serve() {
    }

    static int run(AppConfig config) throws Exception {
        long started = System.nanoTime();
        LOG.info("configuration: {}", config.source().map(p -> p.toString())
                .orElse("none found, using the embedded default (one public cache 'main' on port 8080)"));
        CountDownLatch stopRequested = new CountDownLatch(1);
        // The JVM's own handling of SIGTERM/SIGINT runs shutdown hooks and exits 143/130; handled here, the stop
        // runs on this thread and the process exits 0, as a service manager expects from an orderly stop. Installed
        // before starting, so a signal during startup stops the server as soon as it is up.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (stopRequested.getCount() == 0) {
                        LOG.warn("SIG{} received again: exiting without waiting", signal.getName());
                        System.exit(1);
                    }
                    LOG.info("SIG{} received: stopping (requests in flight get up to {} s)", signal.getName(),
                            BinaryCacheVerticle.SHUTDOWN_GRACE_SECONDS);
                    stopRequested.countDown();
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{} ({}); the shutdown hook stops the server", name, e.getMessage());
            }
        }
        java.util.concurrent.atomic.AtomicReference<ConfigReload> reload = new java.util.concurrent.atomic.AtomicReference<>();
        handleReload(reload);
        CacheServer server = CacheServer.start(config);
        // Re-read on the server's Vert.x (the layers through vertx-config); this waits on the signal's thread only.
        reload.set(new ConfigReload(config, server.live(), file -> awaitConfig(
                ConfigLoader.load(server.vertx(), Optional.of(file), System.getenv()))));
        // Anything else that ends the JVM (an error, another signal) still stops the server; after an orderly stop, a no-op.
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "shutdown"));
        server.caches().forEach(cache -> LOG.info("{}", UsageBanner.forCache(cache, config)));
        LOG.info("ready in {} ms", (System.nanoTime() - started) / 1_000_000);
        stopRequested.await();
        long stopping = System.nanoTime();
        server.stop();
        LOG.info("stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
        return 0;
    }

    private static AppConfig awaitConfig(io.vertx.core.Future<AppConfig> loading) {
        try {
            return loading.await(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("re-reading the configuration took longer than a minute", e);
        }
    }

    /**
     * SIGHUP reloads the configuration instead of ending the JVM (its default). Installed before starting: a HUP
     * during the start is logged and ignored rather than killing a half-started server.
     */
    private static void handleReload(java.util.concurrent.atomic.AtomicReference<ConfigReload> reload) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                ConfigReload current = reload.get();
                if (current == null) {
                    LOG.warn("SIGHUP received while starting: ignored; send it again once the server is ready");
                    return;
                }
                LOG.info("SIGHUP received: re-reading the configuration");
                current.reload();
            });
        } catch (IllegalArgumentException e) {
            LOG.warn("cannot handle SIGHUP ({}): configuration reload is not available", e.getMessage());
        }
    }
}
