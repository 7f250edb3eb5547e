package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.BinaryCacheInfo;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CheckCachixCredentials;
import dev.cacheserver.application.port.in.DescribeCachixCache;
import dev.cacheserver.application.port.in.FindMissingPaths;
import dev.cacheserver.application.port.in.ManagePins;
import dev.cacheserver.application.port.in.QueryOriginalDht;
import dev.cacheserver.application.port.in.ReadCachixPaths;
import dev.cacheserver.application.port.in.RegisterSigningKey;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.AuthenticationException;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.NotSupportedException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import dev.cacheserver.domain.upload.Pin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Cachix use cases in memory, for the HTTP adapter tests: one cache {@code main} holding one path. Token
 * {@code bad} is invalid; {@link #failWith} makes the next use-case call fail with the given exception. Every call
 * is recorded with the caller's token, so a test sees what the adapter handed over and whether it called at all.
 */
final class FakeCachixUseCases implements CheckCachixCredentials, DescribeCachixCache, FindMissingPaths,
        ReadCachixPaths, RegisterSigningKey, ManagePins, QueryOriginalDht {
    static final String HASH = "n974jrpgibg7ajmbc35p71w16qq7hd9w";
    static final String NARINFO = """
            StorePath: /nix/store/n974jrpgibg7ajmbc35p71w16qq7hd9w-ca-2394.bin
            URL: nar/0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs.nar.xz
            Compression: xz
            FileHash: sha256:0bp7mbkmk866035wp4yy8nf99pa85sczc2pzh7shim9jv9j53chs
            FileSize: 2200
            NarHash: sha256:0f83y2nqyr4qzwi99mqh5brzi7vgnsd68jrwvf96h4kw0x6fzc34
            NarSize: 2160
            References:\s
            Sig: test-1:F9x1FXjhBzc4bJkkFn7DKgGhFM1m5AiQXewAIWimSpt9LyUixtzblEdzP+XSllsApVYQ/dN1jlfz5gsNqPsbCg==
            """;
    static final PublicSigningKey KEY = SecretSigningKey.generate("main-1").publicKey();

    /** Each call: which use case, and the token it was asked with (empty: anonymous). */
    record Call(String what, Optional<String> token) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Object> commands = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;

    void failWith(RuntimeException e) {
        failure = e;
    }

    boolean called(String what) {
        return calls.stream().anyMatch(c -> c.what().equals(what));
    }

    private <T> CompletionStage<T> answer(String what, Caller caller, Object command, T value) {
        calls.add(new Call(what, caller.token()));
        commands.add(command);
        RuntimeException e = failure;
        if (e != null) {
            failure = null;
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(value);
    }

    private static void requireMain(String cache) {
        if (!cache.equals("main")) {
            throw new NotFoundException("binary cache " + cache + " does not exist");
        }
    }

    @Override
    public void authenticate(Caller caller, boolean anonymousAllowed) {
        calls.add(new Call("authenticate", caller.token()));
        if (caller.token().filter("bad"::equals).isPresent()) {
            throw new AuthenticationException("the token is not valid");
        }
        if (caller.token().isEmpty() && !anonymousAllowed) {
            throw new AuthenticationException("this request needs a token");
        }
    }

    @Override
    public CompletionStage<BinaryCacheInfo> describe(DescribeCacheCommand command) {
        requireMain(command.cacheName());
        return answer("describe", command.caller(), command, new BinaryCacheInfo("main", "http://main.example.org",
                true, List.of(KEY.toString()), Permission.READ, Compression.ZSTD));
    }

    @Override
    public CompletionStage<String> nixCacheInfo(DescribeCacheCommand command) {
        return answer("nixCacheInfo", command.caller(), command, "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n");
    }

    @Override
    public CompletionStage<List<String>> missing(FindMissingPathsCommand command) {
        return answer("missing", command.caller(), command,
                command.hashes().stream().filter(h -> !h.equals(HASH)).toList());
    }

    @Override
    public CompletionStage<Optional<byte[]>> narInfo(CachixPathCommand command) {
        return answer("narInfo", command.caller(), command, command.path().equals(HASH)
                ? Optional.of(NARINFO.getBytes(StandardCharsets.UTF_8)) : Optional.empty());
    }

    @Override
    public CompletionStage<String> narUrl(CachixPathCommand command) {
        return answer("narUrl", command.caller(), command, "http://main.example.org/nar/" + command.path());
    }

    @Override
    public CompletionStage<PublicSigningKey> register(RegisterSigningKeyCommand command) {
        return answer("register", command.caller(), command, KEY);
    }

    @Override
    public CompletionStage<Pin> pin(PinCommand command) {
        return answer("pin", command.caller(), command, new Pin(new dev.cacheserver.domain.model.CacheName("main"),
                "release", StorePath.parse("/nix/store/" + HASH + "-ca-2394.bin"), List.of(), command.keep(), Instant.EPOCH));
    }

    @Override
    public CompletionStage<Optional<List<String>>> get(DhtGetCommand command) {
        Map<String, List<String>> known = Map.of(HASH, List.of("http://peer.example.org"));
        return answer("dhtGet", command.caller(), command, Optional.ofNullable(known.get(command.key())));
    }

    @Override
    public void authorizePut(Caller caller) {
        calls.add(new Call("authorizePut", caller.token()));
        if (!caller.token().filter("admin"::equals).isPresent()) {
            throw new dev.cacheserver.domain.error.PermissionDeniedException("this request needs an admin token");
        }
    }

    @Override
    public CompletionStage<Void> put(DhtPutCommand command) {
        return answer("dhtPut", command.caller(), command, null).thenCompose(v -> CompletableFuture.failedFuture(
                new NotSupportedException("client DHT records are never accepted")));
    }
}
