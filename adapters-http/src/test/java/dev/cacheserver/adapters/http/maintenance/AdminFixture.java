package dev.cacheserver.adapters.http.maintenance;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.domain.auth.Hs256Tokens;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.port.inmemory.InMemoryNarInfoRepository;
import dev.cacheserver.domain.port.inmemory.InMemoryNarStore;
import dev.cacheserver.domain.port.inmemory.InMemoryPinRepository;
import dev.cacheserver.domain.port.inmemory.PlainNarContentHasher;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One cache "main" over the in-memory ports, the real access policy and tokens of each kind, and a server on a free
 * port with the routes a test mounts.
 */
final class AdminFixture {
    static final CacheName MAIN = new CacheName("main");
    final CacheProfile profile = new CacheProfile(MAIN, true, SecretSigningKey.generate("main-1"),
            URI.create("http://127.0.0.1:1"), 30);
    final InMemoryNarStore store;
    final InMemoryNarInfoRepository repository = new InMemoryNarInfoRepository();
    final InMemoryPinRepository pins = new InMemoryPinRepository();
    final NarInfoService narInfos;
    final AccessPolicy access = new AccessPolicy(new Hs256Tokens("test key".getBytes(StandardCharsets.UTF_8)),
            Clock.systemUTC());
    final String adminToken = access.issue(new TokenClaims("*", Permission.ADMIN, null, null));
    /** The strongest token of the cache itself: still not a server admin. */
    final String cacheAdminToken = access.issue(new TokenClaims("main", Permission.ADMIN, null, null));
    final String badToken = new AccessPolicy(new Hs256Tokens("other key".getBytes(StandardCharsets.UTF_8)),
            Clock.systemUTC()).issue(new TokenClaims("*", Permission.ADMIN, null, null));

    AdminFixture(Path dir) {
        store = new InMemoryNarStore(dir);
        narInfos = new NarInfoService(profile, repository, store, new PlainNarContentHasher(), Clock.systemUTC());
    }

    /** Publishes {@code path} with a NAR holding {@code text}. */
    NarInfo push(StorePath path, String text, StorePath... refs) throws Exception {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        NixHash hash = new NixHash(MessageDigest.getInstance("SHA-256").digest(content));
        NarFile file = new NarFile(hash, Compression.NONE);
        Path spool = await(store.createSpoolFile());
        Files.write(spool, content);
        await(store.publish(spool, file));
        return await(narInfos.publishing().publish(new NarInfo(path, file, content.length, hash, content.length,
                List.of(refs), null, null, List.of(), null)));
    }

    static StorePath path(char c, String name) {
        return StorePath.parse(String.valueOf(c).repeat(32) + "-" + name);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A server on a free port with what {@code mount} puts on its router, and a client pointed at it. */
    static WebClient serve(Vertx vertx, Consumer<Router> mount) throws Exception {
        Router router = Router.router(vertx);
        mount.accept(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(server.actualPort()));
    }
}
