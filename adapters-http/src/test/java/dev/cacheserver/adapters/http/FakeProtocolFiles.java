package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpBuildArtifact;
import dev.cacheserver.application.port.in.LookUpRealisation;
import dev.cacheserver.application.port.in.PublishRealisation;
import dev.cacheserver.application.port.in.StoreBuildArtifact;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StoredArtifact;
import dev.cacheserver.domain.narinfo.Realisation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Build logs, listings and realisations in a directory and in maps, behind the fake access rules. */
final class FakeProtocolFiles implements LookUpBuildArtifact, StoreBuildArtifact, LookUpRealisation,
        PublishRealisation {
    private final Path dir;
    private final FakeAccess access;
    final Map<String, ArtifactFile> artifacts = new ConcurrentHashMap<>();
    final Map<DrvOutputId, Realisation> realisations = new ConcurrentHashMap<>();

    FakeProtocolFiles(Path dir, FakeAccess access) {
        this.dir = dir;
        this.access = access;
    }

    ProtocolFiles files(long maxLogBytes, long maxListingBytes) {
        return new ProtocolFiles(this, this, this, this, maxLogBytes, maxListingBytes);
    }

    @Override
    public CompletionStage<Optional<ArtifactFile>> lookUp(LookUpBuildArtifactCommand command) {
        return access.afterRead(command.caller(), () -> CompletableFuture.completedFuture(
                Optional.ofNullable(artifacts.get(command.kind() + "/" + command.name()))));
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }

    @Override
    public CompletionStage<Path> begin() {
        try {
            return CompletableFuture.completedFuture(Files.createTempFile(dir, "artifact", ".spool"));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
    }

    @Override
    public CompletionStage<StoredArtifact> store(StoreBuildArtifactCommand command) {
        access.write(command.caller());
        StoredArtifact artifact = new StoredArtifact(new CacheName("main"), command.kind(), command.name(),
                command.size(), command.contentType(), command.contentEncoding(), Instant.EPOCH);
        artifacts.put(command.kind() + "/" + command.name(), new ArtifactFile(artifact, command.spool()));
        return CompletableFuture.completedFuture(artifact);
    }

    @Override
    public CompletionStage<Void> abort(Path spool) {
        try {
            Files.deleteIfExists(spool);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
    }

    @Override
    public CompletionStage<Optional<Realisation>> lookUp(LookUpRealisationCommand command) {
        return access.afterRead(command.caller(),
                () -> CompletableFuture.completedFuture(Optional.ofNullable(realisations.get(command.id()))));
    }

    @Override
    public CompletionStage<Realisation> publish(PublishRealisationCommand command) {
        access.write(command.caller());
        if (!command.realisation().id().equals(command.urlId())) {
            return CompletableFuture.failedFuture(new InvalidInputException("the realisation's id does not match"));
        }
        realisations.put(command.urlId(), command.realisation());
        return CompletableFuture.completedFuture(command.realisation());
    }
}
