package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.DeploymentRows;
import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.port.DeploymentRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@link DeploymentRepository} on the {@code deployment} and {@code deployment_log} tables. Times are ISO-8601
 * text (the agent's sub-millisecond precision survives); rollback scripts a JSON object. The next index of an
 * agent and the next log line number are taken under a transaction-level advisory lock on the agent or the
 * deployment, so replicas writing at once never pick the same number.
 */
final class PostgresDeploymentRepository implements DeploymentRepository {
    private static final String COLUMNS = "id, agent, idx, store_path, rollback_scripts, status, created_on, started_on,"
            + " finished_on, closure_size";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))";
    private static final String NEXT_INDEX = "SELECT COALESCE(MAX(idx), 0) + 1 FROM deployment WHERE agent = $1";
    private static final String INSERT = "INSERT INTO deployment (" + COLUMNS
            + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    private static final String UPDATE =
            "UPDATE deployment SET status = $1, started_on = $2, finished_on = $3, closure_size = $4 WHERE id = $5";
    private static final String FIND = "SELECT " + COLUMNS + " FROM deployment WHERE id = $1";
    private static final String BY_AGENT = "SELECT " + COLUMNS
            + " FROM deployment WHERE agent = $1 AND status = $2 ORDER BY idx";
    private static final String EXISTS = "SELECT 1 FROM deployment WHERE id = $1";
    private static final String NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM deployment_log WHERE deployment = $1";
    private static final String APPEND =
            "INSERT INTO deployment_log (deployment, seq, line, time) VALUES ($1, $2, $3, $4)";
    private static final String LOG = "SELECT line, time FROM deployment_log WHERE deployment = $1 ORDER BY seq";

    private final PostgresDatabase db;

    PostgresDeploymentRepository(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Deployment> create(UUID id, String agent, StorePath storePath,
                                              Map<String, String> rollbackScripts, Instant createdOn, Long closureSize) {
        return stage(() -> "create deployment for agent " + agent, db.pool().withTransaction(conn -> conn
                .preparedQuery(LOCK).execute(Tuple.of("deployment-agent:" + agent))
                .compose(locked -> conn.preparedQuery(NEXT_INDEX).execute(Tuple.of(agent)))
                .compose(rows -> {
                    Deployment d = Deployment.pending(id, agent, rows.iterator().next().getLong(0), storePath,
                            rollbackScripts, createdOn, closureSize);
                    return conn.preparedQuery(INSERT).execute(DeploymentRows.insertValues(d)).map(inserted -> d);
                })));
    }

    @Override
    public CompletionStage<Void> update(Deployment d) {
        return stage(() -> "update deployment " + d.id(), db.pool().preparedQuery(UPDATE)
                .execute(DeploymentRows.updateValues(d))
                .compose(updated -> updated.rowCount() == 1 ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new NotFoundException("no deployment " + d.id()))));
    }

    @Override
    public CompletionStage<Optional<Deployment>> find(UUID id) {
        return stage(() -> "find deployment " + id, db.pool().preparedQuery(FIND)
                .collecting(Collectors.mapping(DeploymentRows::deployment, Collectors.toList()))
                .execute(Tuple.of(id.toString()))
                .map(rows -> rows.value().stream().findFirst()));
    }

    @Override
    public CompletionStage<List<Deployment>> findByAgent(String agent, DeploymentStatus status) {
        return stage(() -> "list deployments of agent " + agent, db.pool().preparedQuery(BY_AGENT)
                .collecting(Collectors.mapping(DeploymentRows::deployment, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(agent, status.wireName()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Void> appendLog(UUID deployment, List<LogLine> lines) {
        if (lines.isEmpty()) {
            return Future.<Void>succeededFuture().toCompletionStage();
        }
        String id = deployment.toString();
        return stage(() -> "append log of deployment " + deployment, db.pool().withTransaction(conn -> conn
                .preparedQuery(LOCK).execute(Tuple.of("deployment-log:" + id))
                .compose(locked -> conn.preparedQuery(EXISTS).execute(Tuple.of(id)))
                .compose(found -> found.size() == 0
                        ? Future.failedFuture(new NotFoundException("no deployment " + deployment))
                        : conn.preparedQuery(NEXT_SEQ).execute(Tuple.of(id)))
                .compose(rows -> {
                    long seq = rows.iterator().next().getLong(0);
                    List<Tuple> batch = new ArrayList<>();
                    for (LogLine line : lines) {
                        batch.add(Tuple.of(id, ++seq, line.line(), line.time().toString()));
                    }
                    return conn.preparedQuery(APPEND).executeBatch(batch).<Void>mapEmpty();
                })));
    }

    @Override
    public CompletionStage<List<LogLine>> log(UUID deployment) {
        return stage(() -> "read log of deployment " + deployment, db.pool().preparedQuery(LOG)
                .collecting(Collectors.mapping(row -> new LogLine(row.getString(0), Instant.parse(row.getString(1))),
                        Collectors.toUnmodifiableList()))
                .execute(Tuple.of(deployment.toString()))
                .map(SqlResult::value));
    }
}
