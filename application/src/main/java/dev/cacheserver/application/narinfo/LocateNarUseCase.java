package dev.cacheserver.application.narinfo;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Finds where a NAR of one cache can be read from, for {@code GET}/{@code HEAD /nar/...}. Non-blocking. */
public interface LocateNarUseCase {
    CompletionStage<Optional<NarLocation>> locate(NarFile file);
}
