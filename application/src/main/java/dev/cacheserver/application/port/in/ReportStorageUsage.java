package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.port.NarPlacementRepository.Usage;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Use case: what each storage of a cache holds (the {@code storage-usage} command, run by an operator on the
 * server's machine: no caller to check). Answers from the placement records the server keeps (no storage is
 * walked), so it works beside a running server; a storage with nothing recorded is absent from the map.
 */
public interface ReportStorageUsage {

    /** NAR files and bytes per storage name of {@code cache}. */
    CompletionStage<Map<String, Usage>> usage(String cache);
}
