package dev.cacheserver.adapters.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, plus durability: deployments and their logs survive a reopen. */
class SqliteDeploymentRepositoryTest extends DeploymentRepositoryContract {
    @TempDir
    Path dir;
    private Vertx vertx;
    private SqliteDatabase db;

    @Override
    protected void createRepository() {
        vertx = Vertx.vertx();
        open();
    }

    private void open() {
        db = await(SqliteDatabase.open(vertx, dir.resolve("cache.sqlite")).toCompletionStage());
        deployments = new SqliteDeploymentRepository(db);
    }

    @AfterEach
    void close() {
        try {
            await(db.close().toCompletionStage());
        } finally {
            await(vertx.close().toCompletionStage());
        }
    }

    @Test
    void aDeploymentInProgressAndItsLogSurviveAReopen() {
        Deployment d = create("web1");
        Deployment running = d.started(T0.plusSeconds(1), OptionalLong.empty());
        await(deployments.update(running));
        LogLine line = new LogLine("activating", T0.plusSeconds(2));
        await(deployments.appendLog(d.id(), List.of(line)));

        await(db.close().toCompletionStage());
        open();

        assertEquals(List.of(running), await(deployments.findByAgent("web1", DeploymentStatus.IN_PROGRESS)));
        assertEquals(List.of(line), await(deployments.log(d.id())));
        assertEquals(2L, create("web1").index());
    }
}
