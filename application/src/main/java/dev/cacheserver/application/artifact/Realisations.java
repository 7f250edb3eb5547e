package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.CacheAccess;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpRealisation;
import dev.cacheserver.application.port.in.PublishRealisation;
import dev.cacheserver.domain.narinfo.Realisation;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The realisation ports: the caller's access first, then {@link RealisationUseCase}. */
final class Realisations implements LookUpRealisation, PublishRealisation {
    private final CacheAccess access;
    private final RealisationUseCase realisations;

    Realisations(CacheAccess access, RealisationUseCase realisations) {
        this.access = access;
        this.realisations = realisations;
    }

    @Override
    public CompletionStage<Optional<Realisation>> lookUp(LookUpRealisationCommand command) {
        return access.afterRead(command.caller(), () -> realisations.find(command.id()));
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }

    @Override
    public CompletionStage<Realisation> publish(PublishRealisationCommand command) {
        return access.afterWrite(command.caller(),
                () -> realisations.publish(command.urlId(), command.realisation()));
    }
}
