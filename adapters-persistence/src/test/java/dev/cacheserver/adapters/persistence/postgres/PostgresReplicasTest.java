package dev.cacheserver.adapters.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.ExclusiveRuns;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two replicas on one real PostgreSQL database: they hear each other's changes and exclude each other's sweeps. */
@Timeout(120)
class PostgresReplicasTest {
    static final CacheName MAIN = new CacheName("main");
    static final StorePathHash X = new StorePathHash("0".repeat(32));
    static final StorePathHash Y = new StorePathHash("1".repeat(32));

    Vertx vertx;
    PostgresDatabase a;
    PostgresDatabase b;

    @BeforeEach
    void open() throws Exception {
        vertx = Vertx.vertx();
        PostgresConnection shared = PostgresTestServer.shared().newDatabase();
        a = PostgresDatabase.open(vertx, shared).await(60, TimeUnit.SECONDS);
        b = PostgresDatabase.open(vertx, shared).await(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        try {
            a.close().await(30, TimeUnit.SECONDS);
            b.close().await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChangeAnnouncedByOneReplicaIsHeardByTheOtherOnly() {
        List<String> heardByA = new CopyOnWriteArrayList<>();
        List<String> heardByB = new CopyOnWriteArrayList<>();
        a.events().subscribe((cache, hash) -> heardByA.add(cache.value() + "/" + hash.value()));
        b.events().subscribe((cache, hash) -> heardByB.add(cache.value() + "/" + hash.value()));

        a.events().narInfoChanged(MAIN, X);
        eventually(() -> heardByB.contains("main/" + X.value()));
        b.events().narInfoChanged(MAIN, Y);
        eventually(() -> heardByA.contains("main/" + Y.value()));

        assertEquals(List.of("main/" + Y.value()), heardByA, "a does not hear its own announcement");
        assertEquals(List.of("main/" + X.value()), heardByB);
    }

    @Test
    void aRevocationAnnouncedByOneReplicaIsHeardByTheOther() {
        AtomicBoolean heardByB = new AtomicBoolean();
        b.events().subscribe(new dev.cacheserver.domain.port.MetadataEvents.Listener() {
            @Override
            public void narInfoChanged(CacheName cache, StorePathHash hash) {
            }

            @Override
            public void tokenRevoked() {
                heardByB.set(true);
            }
        });

        await(a.events().tokenRevoked());

        eventually(heardByB::get);
    }

    @Test
    void deploymentsActivatedAndEndedOnOneReplicaAreHeardByTheOtherOnly() {
        java.util.UUID activated = java.util.UUID.randomUUID();
        java.util.UUID ended = java.util.UUID.randomUUID();
        List<String> heardByA = new CopyOnWriteArrayList<>();
        List<String> heardByB = new CopyOnWriteArrayList<>();
        for (var heard : List.of(java.util.Map.entry(a, heardByA), java.util.Map.entry(b, heardByB))) {
            heard.getKey().events().subscribe(new dev.cacheserver.domain.port.MetadataEvents.Listener() {
                @Override
                public void narInfoChanged(CacheName cache, StorePathHash hash) {
                }

                @Override
                public void deploymentActivated(String agent, java.util.UUID deployment) {
                    heard.getValue().add("activated " + agent + " " + deployment);
                }

                @Override
                public void deploymentEnded(java.util.UUID deployment) {
                    heard.getValue().add("ended " + deployment);
                }
            });
        }

        a.events().deploymentActivated("web-1", activated);
        a.events().deploymentEnded(ended);

        eventually(() -> heardByB.size() == 2);
        assertEquals(List.of("activated web-1 " + activated, "ended " + ended), heardByB);
        assertEquals(List.of(), heardByA, "a replica does not hear itself");
    }

    @Test
    void workUnderOneNameRunsOnOneReplicaAtATime() throws Exception {
        CompletableFuture<String> slowSweep = new CompletableFuture<>();
        AtomicBoolean runningOnA = new AtomicBoolean();
        CompletionStage<Optional<String>> onA = a.exclusiveRuns().runIfFree("gc main", () -> {
            runningOnA.set(true);
            return slowSweep;
        });
        eventually(runningOnA::get);

        AtomicBoolean ranOnB = new AtomicBoolean();
        Optional<String> refused = await(b.exclusiveRuns().runIfFree("gc main", () -> {
            ranOnB.set(true);
            return CompletableFuture.completedFuture("b");
        }));
        assertEquals(Optional.empty(), refused);
        assertFalse(ranOnB.get(), "refused without running");
        assertEquals(Optional.of("other"), runs(b.exclusiveRuns(), "gc other"), "another name is free");

        slowSweep.complete("a");
        assertEquals(Optional.of("a"), await(onA));
        assertEquals(Optional.of("b"), await(b.exclusiveRuns().runIfFree("gc main",
                () -> CompletableFuture.completedFuture("b"))));
    }

    @Test
    void aReplicaThatGoesAwayReleasesItsClaim() throws Exception {
        AtomicBoolean runningOnA = new AtomicBoolean();
        a.exclusiveRuns().runIfFree("gc main", () -> {
            runningOnA.set(true);
            return new CompletableFuture<String>();
        });
        eventually(runningOnA::get);
        assertEquals(Optional.empty(), runs(b.exclusiveRuns(), "gc main"));

        a.close().await(30, TimeUnit.SECONDS);

        eventually(() -> runs(b.exclusiveRuns(), "gc main").isPresent());
    }

    private static Optional<String> runs(ExclusiveRuns runs, String name) {
        return await(runs.runIfFree(name, () -> CompletableFuture.completedFuture(name.substring(3))));
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 30 s");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
