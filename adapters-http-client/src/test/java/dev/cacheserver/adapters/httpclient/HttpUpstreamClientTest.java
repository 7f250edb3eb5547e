package dev.cacheserver.adapters.httpclient;

import static dev.cacheserver.adapters.httpclient.StubServer.await;
import static dev.cacheserver.adapters.httpclient.StubServer.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.UpstreamFailedException;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.NarInfoText;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The upstream client against a scripted HTTP server: what each answer becomes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpUpstreamClientTest {
    private static final StorePathHash HASH = new StorePathHash("0c2kb5nspnp2zlp4ff12ml55xgc0csaw");
    private final Vertx vertx = Vertx.vertx();
    // Generous: the test machine may be loaded; only the silent upstream waits for a timeout, its own short one.
    private final HttpUpstreamClient client = new HttpUpstreamClient(vertx, Duration.ofSeconds(10));
    private final HttpUpstreamClient impatient = new HttpUpstreamClient(vertx, Duration.ofMillis(500));

    @AfterEach
    void close() throws Exception {
        await(client.close().toCompletionStage());
        await(impatient.close().toCompletionStage());
        await(vertx.close().toCompletionStage());
    }

    @Test
    void aNarInfoIsReadWholeAndMissingIsEmpty() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> {
            if (request.path().equals("/" + HASH.value() + ".narinfo")) {
                request.response().end("StorePath: /nix/store/x\n");
            } else {
                request.response().setStatusCode(request.path().contains("forbidden") ? 403 : 404).end();
            }
        })) {
            assertEquals(Optional.of("StorePath: /nix/store/x\n"), await(client.fetchNarInfo(server.url(), HASH)));
            assertEquals(Optional.empty(), await(client.fetchNarInfo(URI.create(server.url() + "/other"), HASH)));
            assertEquals(Optional.empty(), await(client.fetchNarInfo(URI.create(server.url() + "/forbidden"), HASH)),
                    "S3 answers 403 for a missing key");
        }
    }

    @Test
    void shortAnswersAreReadWhenAskedForFromOffTheEventLoop() throws Exception {
        // An empty 404 or a tiny narinfo can be over before the response reaches the code that reads it.
        try (StubServer server = new StubServer(vertx, request -> {
            if (request.path().startsWith("/hit/")) {
                request.response().end("StorePath: /nix/store/z\n");
            } else {
                request.response().setStatusCode(404).end();
            }
        })) {
            for (int i = 0; i < 200; i++) {
                assertEquals(Optional.empty(), await(client.fetchNarInfo(server.url(), HASH)), "miss " + i);
                assertEquals(Optional.of("StorePath: /nix/store/z\n"),
                        await(client.fetchNarInfo(URI.create(server.url() + "/hit"), HASH)), "hit " + i);
            }
        }
    }

    @Test
    void anErrorAnswerIsABadGatewayNotATimeout() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> request.response().setStatusCode(500).end("boom"))) {
            UpstreamFailedException failed = assertInstanceOf(UpstreamFailedException.class,
                    failureOf(client.fetchNarInfo(server.url(), HASH)));
            assertFalse(failed.timedOut());
            assertTrue(failed.getMessage().contains("answered 500"), failed.getMessage());
        }
    }

    @Test
    void aNarInfoLargerThanANarInfoMayBeIsRefused() throws Exception {
        Buffer huge = Buffer.buffer(new byte[NarInfoText.MAX_BYTES + 1]);
        try (StubServer server = new StubServer(vertx, request -> request.response().end(huge))) {
            Throwable refused = failureOf(client.fetchNarInfo(server.url(), HASH));
            assertTrue(refused.getMessage().contains("exceeds"), refused.getMessage());
        }
    }

    @Test
    void anUpstreamThatNeverAnswersTimesOut() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> { })) {
            UpstreamFailedException failed = assertInstanceOf(UpstreamFailedException.class,
                    failureOf(impatient.fetchNarInfo(server.url(), HASH)));
            assertTrue(failed.timedOut(), failed.getMessage());
        }
    }

    @Test
    void aServerWithoutNixCacheInfoIsNotABinaryCache() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> request.response().setStatusCode(404).end())) {
            Throwable failed = failureOf(client.fetchCacheInfo(server.url()));
            assertTrue(failed.getMessage().contains("not a Nix binary cache"), failed.getMessage());
        }
    }

    @Test
    void aNarIsHandedOverPausedAndAnErrorStatusFails() throws Exception {
        try (StubServer server = new StubServer(vertx, request -> {
            if (request.path().startsWith("/nar/")) {
                request.response().end("nar bytes");
            } else {
                request.response().setStatusCode(410).end();
            }
        })) {
            Buffer body = await(StubServer.resumedBody(
                    await(client.open(URI.create(server.url() + "/nar/x.nar")).toCompletionStage())));
            assertEquals("nar bytes", body.toString());
            Throwable gone = failureOf(client.open(URI.create(server.url() + "/gone")).toCompletionStage());
            assertInstanceOf(UpstreamFailedException.class, gone);
        }
    }
}
