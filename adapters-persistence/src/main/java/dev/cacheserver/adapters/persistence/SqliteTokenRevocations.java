package dev.cacheserver.adapters.persistence;

import static dev.cacheserver.adapters.persistence.PersistenceStages.stage;

import dev.cacheserver.domain.auth.IssuedToken;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.port.TokenRevocations;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** {@link TokenRevocations} on the {@code token} table. */
public final class SqliteTokenRevocations implements TokenRevocations {
    private static final String RECORD = """
            INSERT INTO token (id, subject, permission, expires_at, issued_at, revoked_at)
            VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO NOTHING""";
    private static final String REVOKE_KNOWN = "UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    private static final String REVOKE_UNKNOWN = """
            INSERT INTO token (id, subject, permission, expires_at, issued_at, revoked_at)
            VALUES (?, '?', 'read', NULL, ?, ?) ON CONFLICT (id) DO NOTHING""";
    private static final String REVOKED = "SELECT id FROM token WHERE revoked_at IS NOT NULL";
    private static final String LIST =
            "SELECT id, subject, permission, expires_at, issued_at, revoked_at FROM token ORDER BY issued_at, id";

    private final SqliteDatabase db;

    public SqliteTokenRevocations(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> recordIssued(IssuedToken t) {
        return stage(() -> "record token " + t.id(), db.writer().preparedQuery(RECORD)
                .execute(Tuple.of(t.id(), t.subject(), t.permission().name().toLowerCase(),
                        t.expiresAt() == null ? null : t.expiresAt().getEpochSecond(), t.issuedAt().getEpochSecond()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Boolean> revoke(String tokenId, Instant at) {
        long when = at.getEpochSecond();
        return stage(() -> "revoke token " + tokenId, db.inWriteTransaction(conn -> conn.preparedQuery(REVOKE_KNOWN)
                .execute(Tuple.of(when, tokenId))
                .compose(updated -> updated.rowCount() > 0
                        ? io.vertx.core.Future.succeededFuture(true)
                        : conn.preparedQuery(REVOKE_UNKNOWN).execute(Tuple.of(tokenId, when, when))
                                .map(inserted -> inserted.rowCount() > 0))));
    }

    @Override
    public CompletionStage<Set<String>> revokedIds() {
        return stage(() -> "list revoked tokens", db.readers().query(REVOKED)
                .collecting(Collectors.mapping(row -> row.getString(0), Collectors.toUnmodifiableSet()))
                .execute()
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<List<IssuedToken>> list() {
        return stage(() -> "list tokens", db.readers().query(LIST)
                .collecting(Collectors.mapping(SqliteTokenRevocations::token, Collectors.toUnmodifiableList()))
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
