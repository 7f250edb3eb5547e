package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.NarFile;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** A NAR store that can list what it holds (NAR file to size in bytes), for reconciling placement records. */
interface ListableNarStore {
    CompletionStage<Map<NarFile, Long>> listNars();
}
