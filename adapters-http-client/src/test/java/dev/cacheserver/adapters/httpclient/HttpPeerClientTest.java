package dev.cacheserver.adapters.httpclient;

import static dev.cacheserver.adapters.httpclient.StubServer.await;
import static dev.cacheserver.adapters.httpclient.StubServer.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.UnavailableException;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The peer client against a scripted HTTP server: narinfos, errors, a peer gone, a stalled peer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpPeerClientTest {
    private static final StorePathHash HASH = new StorePathHash("0c2kb5nspnp2zlp4ff12ml55xgc0csaw");
    private final Vertx vertx = Vertx.vertx();
    // Generous: the test machine may be loaded; only the stalled peer waits for a timeout, its own short one.
    private final HttpPeerClient client = new HttpPeerClient(vertx, Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    private final HttpPeerClient impatient = new HttpPeerClient(vertx, Duration.ofSeconds(10),
            Duration.ofMillis(500), Duration.ofSeconds(10));

    @AfterEach
    void close() throws Exception {
        await(client.close().toCompletionStage());
        await(impatient.close().toCompletionStage());
        await(vertx.close().toCompletionStage());
    }

    @Test
    void aNarInfoIsReadAndAMissingOneIsEmptyWhateverTheTrailingSlash() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> {
            if (request.path().equals("/main/" + HASH.value() + ".narinfo")) {
                request.response().end("StorePath: /nix/store/y\n");
            } else {
                request.response().setStatusCode(404).end();
            }
        })) {
            assertEquals(Optional.of("StorePath: /nix/store/y\n"),
                    await(client.fetchNarInfo(URI.create(server.url() + "/main/"), HASH)));
            assertEquals(Optional.empty(), await(client.fetchNarInfo(URI.create(server.url() + "/other"), HASH)));
        }
    }

    @Test
    void anErrorAnswerAStalledPeerAndADeadOneAreUnavailable() throws Exception {
        URI dead;
        try (StubServer server = new StubServer(vertx, request -> {
            if (request.path().startsWith("/failing/")) {
                request.response().setStatusCode(503).end();
            }
            // Anything else: accepted, never answered.
        })) {
            UnavailableException answered = assertInstanceOf(UnavailableException.class,
                    failureOf(client.fetchNarInfo(URI.create(server.url() + "/failing"), HASH)));
            assertTrue(answered.getMessage().contains("answered 503"), answered.getMessage());
            assertInstanceOf(UnavailableException.class,
                    failureOf(impatient.fetchNarInfo(URI.create(server.url() + "/stalled"), HASH)));
            dead = server.url();
        }
        assertInstanceOf(UnavailableException.class, failureOf(client.fetchNarInfo(dead, HASH)));
    }

    @Test
    void aNarIsHandedOverWithItsStatusForTheRelay() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> request.response().end("the nar"))) {
            var response = await(client.open(URI.create(server.url() + "/main/nar/z.nar")).toCompletionStage());
            assertEquals(200, response.statusCode());
            assertEquals("the nar", await(StubServer.resumedBody(response)).toString());
        }
    }
}
