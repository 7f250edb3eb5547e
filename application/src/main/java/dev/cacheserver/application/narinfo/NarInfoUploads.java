package dev.cacheserver.application.narinfo;

import dev.cacheserver.application.narinfo.PublishNarInfoUseCase;
import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.PublishNarInfo;
import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.concurrent.CompletionStage;

/** {@link PublishNarInfo}: write access, then the cache's publisher. */
final class NarInfoUploads implements PublishNarInfo {
    private final CacheAccess access;
    private final PublishNarInfoUseCase publisher;

    NarInfoUploads(CacheAccess access, PublishNarInfoUseCase publisher) {
        this.access = access;
        this.publisher = publisher;
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }

    @Override
    public CompletionStage<NarInfo> publish(PublishNarInfoCommand command) {
        return access.afterWrite(command.caller(), () -> publisher.publish(command.urlHash(), command.narInfoText()));
    }
}
