package dev.cacheserver.application.retention;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.CollectGarbage;
import dev.cacheserver.application.port.in.GcReport;
import dev.cacheserver.domain.error.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** {@link CollectGarbage} over the collectors of the running caches; real sweeps go to {@code reports} too. */
final class RetentionService implements CollectGarbage {
    private final List<GarbageCollector> collectors;
    private final AccessPolicy access;
    private final Consumer<GcReport> reports;

    RetentionService(List<GarbageCollector> collectors, AccessPolicy access, Consumer<GcReport> reports) {
        this.collectors = List.copyOf(collectors);
        this.access = access;
        this.reports = reports;
    }

    @Override
    public CompletionStage<List<GcReport>> collect(Command command) {
        List<GarbageCollector> chosen;
        try {
            access.checkAdmin(command.caller().token());
            chosen = collectors.stream()
                    .filter(c -> command.cache().map(c.cache().name().value()::equals).orElse(true)).toList();
            if (chosen.isEmpty()) {
                throw new NotFoundException("no cache named '" + command.cache().orElse("") + "'");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<GcReport> out = new ArrayList<>();
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (GarbageCollector collector : chosen) {
            chain = chain.thenCompose(v -> collector.collect(command.dryRun())).thenAccept(report -> {
                if (!command.dryRun()) {
                    reports.accept(report);
                }
                out.add(report);
            });
        }
        return chain.thenApply(v -> List.copyOf(out));
    }
}
