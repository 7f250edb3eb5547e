package dev.cacheserver.application.artifact;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.port.RealisationRepository;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link RealisationUseCase} over the realisation repository. Stateless; thread-safe. */
final class RealisationService implements RealisationUseCase {
    private final CacheProfile cache;
    private final RealisationRepository repository;
    private final Clock clock;

    RealisationService(CacheProfile cache, RealisationRepository repository, Clock clock) {
        this.cache = cache;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Realisation> publish(DrvOutputId urlId, Realisation realisation) {
        if (!realisation.id().equals(urlId)) {
            return CompletableFuture.failedFuture(new InvalidInputException("the realisation's id " + realisation.id()
                    + " does not match its URL " + urlId + ".doi"));
        }
        Realisation signed = realisation;
        for (SecretSigningKey key : cache.signingKeys().active()) {
            signed = signed.signedBy(key);
        }
        Realisation saved = signed;
        return repository.save(cache.name(), saved, clock.instant()).thenApply(v -> saved);
    }

    @Override
    public CompletionStage<Optional<Realisation>> find(DrvOutputId id) {
        return repository.find(cache.name(), id);
    }
}
