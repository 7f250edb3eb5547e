package dev.cacheserver.adapters.persistence.postgres;

import static dev.cacheserver.adapters.persistence.postgres.PostgresStages.stage;

import dev.cacheserver.domain.auth.IssuedToken;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.port.TokenRevocations;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link TokenRevocations} on the {@code token} table, shared: a token revoked through one replica is for all. */
final class PostgresTokenRevocations implements TokenRevocations {
    private static final String RECORD = """
            INSERT INTO token (id, subject, permission, expires_at, issued_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (id) DO NOTHING""";
    private static final String REVOKE_KNOWN =
            "UPDATE token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
    private static final String REVOKE_UNKNOWN = """
            INSERT INTO token (id, subject, permission, expires_at, issued_at, revoked_at)
            VALUES ($1, '?', 'read', NULL, $2, $2) ON CONFLICT (id) DO NOTHING""";
    private static final String REVOKED = "SELECT id FROM token WHERE revoked_at IS NOT NULL";
    private static final String LIST =
            "SELECT id, subject, permission, expires_at, issued_at, revoked_at FROM token ORDER BY issued_at, id";

    private final PostgresDatabase db;

    PostgresTokenRevocations(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> recordIssued(IssuedToken t) {
        return stage(() -> "record token " + t.id(), db.pool().preparedQuery(RECORD)
                .execute(Tuple.of(t.id(), t.subject(), t.permission().name().toLowerCase(),
                        t.expiresAt() == null ? null : t.expiresAt().getEpochSecond(), t.issuedAt().getEpochSecond()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Boolean> revoke(String tokenId, Instant at) {
        long when = at.getEpochSecond();
        return stage(() -> "revoke token " + tokenId, db.pool().withTransaction(conn -> conn
                .preparedQuery(REVOKE_KNOWN).execute(Tuple.of(when, tokenId))
                .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture(true)
                        : conn.preparedQuery(REVOKE_UNKNOWN).execute(Tuple.of(tokenId, when))
                                .map(inserted -> inserted.rowCount() > 0))));
    }

    @Override
    public CompletionStage<Set<String>> revokedIds() {
        return stage(() -> "list revoked tokens", db.pool().query(REVOKED)
                .collecting(Collectors.mapping(row -> row.getString(0), Collectors.toUnmodifiableSet()))
                .execute()
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<IssuedToken>> list() {
        return stage(() -> "list tokens", db.pool().query(LIST)
                .collecting(Collectors.mapping(PostgresTokenRevocations::token, Collectors.toUnmodifiableList()))
                .execute()
                .map(SqlResult::value));
    }

    private static IssuedToken token(Row row) {
        Long expires = row.getLong(3);
        Long revoked = row.getLong(5);
        return new IssuedToken(row.getString(0), row.getString(1), Permission.valueOf(row.getString(2).toUpperCase()),
                expires == null ? null : Instant.ofEpochSecond(expires), Instant.ofEpochSecond(row.getLong(4)),
                revoked == null ? null : Instant.ofEpochSecond(revoked));
    }
}
