package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.LookUpNarInfo;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@link LookUpNarInfo}: the caller's read access first, then the cache's served narinfos. */
final class NarInfoReads implements LookUpNarInfo {
    private final CacheAccess access;
    private final GetNarInfoUseCase served;

    NarInfoReads(CacheAccess access, GetNarInfoUseCase served) {
        this.access = access;
        this.served = served;
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookUp(LookUpNarInfoCommand command) {
        return access.afterRead(command.caller(), () -> served.lookup(command.hash()));
    }
}
