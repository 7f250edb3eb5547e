package dev.cacheserver.adapters.persistence;

import static dev.cacheserver.adapters.persistence.PersistenceStages.stage;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.port.UploadRepository;
import dev.cacheserver.domain.upload.UploadSession;
import dev.cacheserver.domain.upload.UploadedPart;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@link UploadRepository} on the {@code upload_session} and {@code upload_part} tables. Part rows cascade
 * with their session; a part is only inserted while its session exists, in the same statement.
 */
public final class SqliteUploadRepository implements UploadRepository {
    private static final String SESSION_COLUMNS = "nar_id, upload_id, cache, compression, created_at, expires_at";
    private static final String INSERT = "INSERT INTO upload_session (" + SESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + SESSION_COLUMNS + " FROM upload_session WHERE nar_id = ?";
    private static final String SAVE_PART = """
            INSERT INTO upload_part (nar_id, part_number, md5, size)
            SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM upload_session WHERE nar_id = ?)
            ON CONFLICT (nar_id, part_number) DO UPDATE SET md5 = excluded.md5, size = excluded.size""";
    private static final String PARTS =
            "SELECT part_number, md5, size FROM upload_part WHERE nar_id = ? ORDER BY part_number";
    private static final String DELETE = "DELETE FROM upload_session WHERE nar_id = ?";
    private static final String EXPIRED = "SELECT " + SESSION_COLUMNS
            + " FROM upload_session WHERE expires_at <= ? ORDER BY expires_at LIMIT ?";
    private static final String COUNT = "SELECT COUNT(*) FROM upload_session";

    private final SqliteDatabase db;

    public SqliteUploadRepository(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public CompletionStage<Void> create(UploadSession s) {
        return stage(() -> "create upload " + s.narId(), db.writer().preparedQuery(INSERT)
                .execute(Tuple.of(s.narId().toString(), s.uploadId(), s.cache().value(), s.compression().narInfoName(),
                        s.createdAt().toEpochMilli(), s.expiresAt().toEpochMilli()))
                .mapEmpty());
    }

    @Override
    public CompletionStage<Optional<UploadSession>> find(UUID narId) {
        return stage(() -> "find upload " + narId, db.readers().preparedQuery(FIND)
                .collecting(Collectors.mapping(SqliteUploadRepository::session, Collectors.reducing((a, b) -> a)))
                .execute(Tuple.of(narId.toString()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> savePart(UUID narId, UploadedPart part) {
        String id = narId.toString();
        return stage(() -> "save part " + part.partNumber() + " of upload " + narId, db.writer().preparedQuery(SAVE_PART)
                .execute(Tuple.of(id, part.partNumber(), part.md5Hex(), part.size(), id))
                .map(result -> result.rowCount() > 0));
    }

    @Override
    public CompletionStage<List<UploadedPart>> parts(UUID narId) {
        return stage(() -> "list parts of upload " + narId, db.readers().preparedQuery(PARTS)
                .collecting(Collectors.mapping(row -> new UploadedPart(row.getInteger(0), row.getString(1),
                        row.getLong(2)), Collectors.toUnmodifiableList()))
                .execute(Tuple.of(narId.toString()))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Boolean> delete(UUID narId) {
        return stage(() -> "delete upload " + narId, db.writer().preparedQuery(DELETE)
                .execute(Tuple.of(narId.toString()))
                .map(result -> result.rowCount() > 0));
    }

    @Override
    public CompletionStage<List<UploadSession>> findExpired(Instant now, int limit) {
        return stage(() -> "find expired uploads", db.readers().preparedQuery(EXPIRED)
                .collecting(Collectors.mapping(SqliteUploadRepository::session, Collectors.toUnmodifiableList()))
                .execute(Tuple.of(now.toEpochMilli(), limit))
                .map(SqlResult::value));
    }

    @Override
    public CompletionStage<Integer> count() {
        return stage(() -> "count uploads", db.readers().query(COUNT).execute()
                .map(rows -> rows.iterator().next().getInteger(0)));
    }

    private static UploadSession session(Row row) {
        return new UploadSession(UUID.fromString(row.getString(0)), row.getString(1), new CacheName(row.getString(2)),
                Compression.fromNarInfo(row.getString(3)), Instant.ofEpochMilli(row.getLong(4)),
                Instant.ofEpochMilli(row.getLong(5)));
    }
}
