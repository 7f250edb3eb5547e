package dev.cacheserver.bootstrap;

import dev.cacheserver.application.port.in.GcReport;
import java.util.function.Consumer;

/** After each real (not dry-run) sweep of a cache: sweeps its orphaned protocol files and records the metrics. */
final class GcReportListener implements Consumer<GcReport> {
    private final ProtocolFilesWiring protocolFiles;
    private final GcMetrics metrics;

    GcReportListener(ProtocolFilesWiring protocolFiles, GcMetrics metrics) {
        this.protocolFiles = protocolFiles;
        this.metrics = metrics;
    }

    @Override
    public void accept(GcReport report) {
        if (report.dryRun()) {
            return;
        }
        protocolFiles.afterGarbageCollection(report.cache());
        metrics.recordRun(report.cache(), report.removedPathCount(), report.removedNars() + report.orphanNars(),
                report.removedNarBytes() + report.orphanBytes(), report.durationMillis());
        metrics.recordSize(report.cache(), report.storedBytesAfter(), report.maxSize(), report.sizeEvictedCount());
    }
}
