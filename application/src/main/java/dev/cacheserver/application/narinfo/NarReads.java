package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.narinfo.LocateNarUseCase;
import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.ReadNar;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.NarFile;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link ReadNar}: read access, then the NAR's location; a NAR found counts as a read of its paths. */
final class NarReads implements ReadNar {
    private final CacheAccess access;
    private final LocateNarUseCase nars;
    private final GetNarInfoUseCase served;

    NarReads(CacheAccess access, LocateNarUseCase nars, GetNarInfoUseCase served) {
        this.access = access;
        this.nars = nars;
        this.served = served;
    }

    @Override
    public CompletionStage<NarRead> read(ReadNarCommand command) {
        return access.afterRead(command.caller(), () -> {
            NarFile file;
            try {
                file = NarFile.parseFileName(command.fileName());
            } catch (InvalidInputException e) {
                // Not a NAR's name: nothing by that name can be stored, so it is simply not found.
                return CompletableFuture.failedFuture(new NotFoundException("not found"));
            }
            return nars.locate(file).thenApply(location -> {
                if (location.isPresent()) {
                    served.recordNarRead(file);
                }
                return new NarRead(file, location);
            });
        });
    }
}
