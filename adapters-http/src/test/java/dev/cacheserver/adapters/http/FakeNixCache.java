package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.ServeFromPeers;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.GetCacheInfo;
import dev.cacheserver.application.port.in.LookUpNarInfo;
import dev.cacheserver.application.port.in.PublishNarInfo;
import dev.cacheserver.application.port.in.ReadNar;
import dev.cacheserver.application.port.in.ShowClusterStatus;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.NarLocation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Nix protocol ports of one cache, in memory: narinfos by hash (stored as text; a publish keeps the text),
 * NAR locations by file, and a failure to answer instead when {@link #failure} is set. Thread-safe.
 */
final class FakeNixCache implements LookUpNarInfo, PublishNarInfo, ReadNar, GetCacheInfo, ShowClusterStatus {
    static final String CACHE_INFO = "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n";

    final FakeAccess access;
    final Map<StorePathHash, String> narInfos = new ConcurrentHashMap<>();
    final Map<NarFile, NarLocation> nars = new ConcurrentHashMap<>();
    final Map<NarFile, Integer> narReads = new ConcurrentHashMap<>();
    /** When set, lookups and publishes fail with it (after the access check). */
    volatile RuntimeException failure;
    /** Null: the cache has no cluster fallback. */
    volatile ServeFromPeers.Status clusterStatus;

    FakeNixCache(FakeAccess access) {
        this.access = access;
    }

    NixProtocol protocol() {
        return new NixProtocol(this, this, this, this);
    }

    @Override
    public CompletionStage<Optional<byte[]>> lookUp(LookUpNarInfoCommand command) {
        return access.afterRead(command.caller(), () -> failure != null ? CompletableFuture.failedFuture(failure)
                : CompletableFuture.completedFuture(Optional.ofNullable(narInfos.get(command.hash()))
                        .map(text -> text.getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    public void authorizeUpload(Caller caller) {
        access.write(caller);
    }

    @Override
    public CompletionStage<NarInfo> publish(PublishNarInfoCommand command) {
        try {
            access.write(command.caller());
            if (failure != null) {
                throw failure;
            }
            if (!command.narInfoText().startsWith("StorePath: ")) {
                throw new InvalidInputException("narinfo line 1 is not 'StorePath: ...'");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        narInfos.put(command.urlHash(), command.narInfoText());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<NarRead> read(ReadNarCommand command) {
        return access.afterRead(command.caller(), () -> {
            NarFile file;
            try {
                file = NarFile.parseFileName(command.fileName());
            } catch (InvalidInputException e) {
                return CompletableFuture.failedFuture(new NotFoundException("not found"));
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            Optional<NarLocation> location = Optional.ofNullable(nars.get(file));
            location.ifPresent(l -> narReads.merge(file, 1, Integer::sum));
            return CompletableFuture.completedFuture(new NarRead(file, location));
        });
    }

    @Override
    public String nixCacheInfo(Caller caller) {
        access.read(caller);
        return CACHE_INFO;
    }

    @Override
    public CompletionStage<ServeFromPeers.Status> status(Caller caller) {
        access.admin(caller);
        if (clusterStatus == null) {
            throw new NotFoundException("cluster fallback is not configured for this cache");
        }
        return CompletableFuture.completedFuture(clusterStatus);
    }
}
