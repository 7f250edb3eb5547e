package dev.cacheserver.bootstrap;

import dev.cacheserver.application.port.in.ServeFromUpstreams;
import dev.cacheserver.application.port.in.ServeFromUpstreams.UpstreamStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** Per upstream of a cache: hits, misses, rejected narinfos, errors, NAR bytes and narinfo latency (read, not counted). */
final class UpstreamMetrics {
    private UpstreamMetrics() {
    }

    static void register(MeterRegistry registry, String cache, ServeFromUpstreams upstreams,
                         java.util.List<UpstreamStats> upstreamsToRegister) {
        for (UpstreamStats initial : upstreamsToRegister) {
            URI url = initial.url();
            Tags tags = Tags.of("cache", cache, "upstream", url.toString());
            counter(registry, "cache_server.upstream.hits", "narinfos served from the upstream (verified)", tags,
                    upstreams, url, UpstreamStats::hits);
            counter(registry, "cache_server.upstream.misses", "narinfo lookups the upstream answered 404", tags,
                    upstreams, url, UpstreamStats::misses);
            counter(registry, "cache_server.upstream.rejected", "upstream narinfos refused (signature, malformed)",
                    tags, upstreams, url, UpstreamStats::rejected);
            counter(registry, "cache_server.upstream.errors", "failed or timed-out requests to the upstream", tags,
                    upstreams, url, UpstreamStats::errors);
            counter(registry, "cache_server.upstream.bytes", "NAR bytes received from the upstream", tags,
                    upstreams, url, UpstreamStats::bytes);
            FunctionTimer.builder("cache_server.upstream.narinfo.latency", upstreams,
                            u -> stats(u, url).requests(), u -> stats(u, url).latencyMillis(), TimeUnit.MILLISECONDS)
                    .description("narinfo requests answered by the upstream and their latency").tags(tags)
                    .register(registry);
        }
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags,
                                ServeFromUpstreams upstreams, URI url, ToDoubleFunction<UpstreamStats> value) {
        FunctionCounter.builder(name, upstreams, u -> value.applyAsDouble(stats(u, url))).description(description)
                .tags(tags).register(registry);
    }

    private static UpstreamStats stats(ServeFromUpstreams upstreams, URI url) {
        return upstreams.stats().stream().filter(s -> s.url().equals(url)).findFirst()
                .orElse(new UpstreamStats(url, 0, 0, 0, 0, 0, 0, 0));
    }
}
