package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code serve} command: start, print how to use each cache, run until SIGTERM/SIGINT, stop cleanly. */
final class Serve {
    private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

    private Serve() {
    }

    static int run(AppConfig config) throws Exception {
        long started = System.nanoTime();
        LOG.info("configuration: {}", config.source().map(p -> p.toString())
                .orElse("none found, using the embedded default (one public cache 'main' on port 8080)"));
        CacheServer server = CacheServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            server.stop();
            stopped.countDown();
        }, "shutdown"));
        server.caches().forEach(cache -> LOG.info("{}", UsageBanner.forCache(cache, config)));
        LOG.info("ready in {} ms", (System.nanoTime() - started) / 1_000_000);
        stopped.await();
        return 0;
    }
}
