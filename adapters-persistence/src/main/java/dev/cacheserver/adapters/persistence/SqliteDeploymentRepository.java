package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.deploy.Deployment;
import dev.cacheserver.domain.deploy.DeploymentStatus;
import dev.cacheserver.domain.deploy.LogLine;
import dev.cacheserver.domain.error.NotFoundException;
import dev.cacheserver.domain.error.StorageException;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@link DeploymentRepository} on the {@code deployment} and {@code deployment_log} tables. Times are stored as
 * ISO-8601 text so the agent's sub-millisecond precision survives; rollback scripts as a JSON object.
 */
public final class SqliteDeploymentRepository implements DeploymentRepository {
    private static final String COLUMNS = "id, agent, idx, store_path, rollback_scripts, status, created_on, started_on,"
            + " finished_on, closure_size";
    private static final String NEXT_INDEX = "SELECT COALESCE(MAX(idx), 0) + 1 FROM deployment WHERE agent = ?";
    private static final String INSERT = "INSERT INTO deployment (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = """
            UPDATE deployment SET status = ?, started_on = ?, finished_on = ?, closure_size = ? WHERE id = ?""";
    private static final String FIND = "SELECT " + COLUMNS + " FROM deployment WHERE id = ?";
    private static final String BY_AGENT = "SELECT " + COLUMNS
            + " FROM deployment WHERE agent = ? AND status = ? ORDER BY idx";
    private static final String EXISTS = "SELECT 1 FROM deployment WHERE id = ?";
    private static final String NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM deployment_log WHERE deployment = ?";
    private static final String APPEND = "INSERT INTO deployment_log (deployment, seq, line, time) VALUES (?, ?, ?, ?)";
    private static final String LOG = "SELECT line, time FROM deployment_log WHERE deployment = ? ORDER BY seq";

    private final SqliteDatabase db;

    public SqliteDeploymentRepository(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Deployment> create(UUID id, String agent, StorePath storePath,
                                              Map<String, String> rollbackScripts, Instant createdOn, Long closureSize) {
        // Index and insert in one write transaction: the single writer makes the next index race-free.
        return stage(() -> "create deployment for agent " + agent, db.inWriteTransaction(conn -> conn
                .preparedQuery(NEXT_INDEX).execute(Tuple.of(agent))
                .compose(rows -> {
                    Deployment d = Deployment.pending(id, agent, rows.iterator().next().getLong(0), storePath,
                            rollbackScripts, createdOn, closureSize);
                    return conn.preparedQuery(INSERT).execute(DeploymentRows.insertValues(d)).map(inserted -> d);
                })));
    }

    @Override
    public CompletionStage<Void> update(Deployment d) {
        return stage(() -> "update deployment " + d.id(), db.writer().preparedQuery(UPDATE)
                .execute(DeploymentRows.updateValues(d))
                .compose(updated -> updated.rowCount() == 1 ? Future.<Void>succeededFuture()
                        : Future.failedFuture(new NotFoundException("no deployment " + d.id()))));
    }

    @Override
    public CompletionStage<Optional<Deployment>> find(UUID id) {
        return stage(() -> "find deployment " + id, db.readers().preparedQuery(FIND)
                .collecting(Collectors.mapping(DeploymentRows::deployment, Collectors.toList()))
                .execute(Tuple.of(id.toString()))
                .map(rows -> rows.value().stream().findFirst()));
    }

    @Override
    public CompletionStage<List<Deployment>> findByAgent(String agent, DeploymentStatus status) {
        return stage(() -> "list deployments of agent " + agent, db.readers().preparedQuery(BY_AGENT)
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
        return stage(() -> "append log of deployment " + deployment, db.inWriteTransaction(conn -> conn
                .preparedQuery(EXISTS).execute(Tuple.of(id))
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
        return stage(() -> "read log of deployment " + deployment, db.readers().preparedQuery(LOG)
                .collecting(Collectors.mapping(row -> new LogLine(row.getString(0), Instant.parse(row.getString(1))),
                        Collectors.toUnmodifiableList()))
                .execute(Tuple.of(deployment.toString()))
                .map(SqlResult::value));
    }

    /** Like {@link PersistenceStages#stage}, but a NotFoundException reaches the caller as itself. */
    private static <T> CompletionStage<T> stage(Supplier<String> action, Future<T> future) {
        return future.recover(e -> Future.failedFuture(e instanceof NotFoundException || e instanceof StorageException
                ? e : new StorageException(action.get() + " failed: " + e.getMessage(), e))).toCompletionStage();
    }
}
