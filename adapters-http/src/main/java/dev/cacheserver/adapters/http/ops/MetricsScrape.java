package dev.cacheserver.adapters.http.ops;

import java.util.concurrent.CompletionStage;

/** The body of {@code GET /metrics}: every meter in the Prometheus text format. */
@FunctionalInterface
public interface MetricsScrape {
    CompletionStage<String> scrape();
}
