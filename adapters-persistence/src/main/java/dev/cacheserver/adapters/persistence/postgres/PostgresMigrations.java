package dev.cacheserver.adapters.persistence.postgres;

import dev.cacheserver.adapters.persistence.Migration;
import java.util.List;

/**
 * The PostgreSQL schema, as the ordered list of every migration ever released; version {@code n} is at index
 * {@code n - 1}. Released migrations are never edited: a schema change appends the next one. Its own history,
 * independent of SQLite's: the first version is the whole schema SQLite reached at its version 6. Times are epoch
 * milliseconds (token times epoch seconds, deployment times ISO-8601 text), as in SQLite, so both adapters map
 * rows the same way.
 */
final class PostgresMigrations {

    static final List<Migration> ALL = List.of(new Migration(1, "the schema of SQLite version 6", List.of("""
            CREATE TABLE narinfo (
                cache            TEXT   NOT NULL,
                hash             TEXT   NOT NULL,
                store_path       TEXT   NOT NULL,
                file_hash        TEXT   NOT NULL,
                compression      TEXT   NOT NULL,
                file_size        BIGINT NOT NULL CHECK (file_size >= 0),
                nar_hash         TEXT   NOT NULL,
                nar_size         BIGINT NOT NULL CHECK (nar_size >= 0),
                refs             TEXT   NOT NULL,
                deriver          TEXT,
                system           TEXT,
                ca               TEXT,
                sigs             TEXT   NOT NULL,
                created_at       BIGINT NOT NULL,
                last_accessed_at BIGINT NOT NULL,
                PRIMARY KEY (cache, hash)
            )""",
            "CREATE INDEX narinfo_by_file ON narinfo (cache, file_hash)",
            "CREATE INDEX narinfo_by_access ON narinfo (cache, last_accessed_at)",
            "CREATE INDEX narinfo_by_deriver ON narinfo (cache, deriver)",
            """
            CREATE TABLE narinfo_ref (
                cache TEXT NOT NULL,
                hash  TEXT NOT NULL,
                ref   TEXT NOT NULL,
                PRIMARY KEY (cache, hash, ref)
            )""",
            "CREATE INDEX narinfo_ref_by_ref ON narinfo_ref (cache, ref)",
            // Kept in step with narinfo.refs by a trigger, so whoever writes narinfo keeps closures queryable.
            """
            CREATE FUNCTION narinfo_ref_sync() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM narinfo_ref WHERE cache = OLD.cache AND hash = OLD.hash;
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    INSERT INTO narinfo_ref (cache, hash, ref)
                    SELECT NEW.cache, NEW.hash, substr(r, 1, 32)
                    FROM unnest(string_to_array(trim(NEW.refs), ' ')) AS r WHERE length(r) >= 32
                    ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END
            $$""",
            "CREATE TRIGGER narinfo_ref_on_insert AFTER INSERT ON narinfo FOR EACH ROW EXECUTE FUNCTION narinfo_ref_sync()",
            "CREATE TRIGGER narinfo_ref_on_update AFTER UPDATE OF refs ON narinfo FOR EACH ROW"
                    + " EXECUTE FUNCTION narinfo_ref_sync()",
            "CREATE TRIGGER narinfo_ref_on_delete AFTER DELETE ON narinfo FOR EACH ROW EXECUTE FUNCTION narinfo_ref_sync()",
            """
            CREATE TABLE gc_keep (
                cache TEXT NOT NULL,
                hash  TEXT NOT NULL,
                PRIMARY KEY (cache, hash)
            )""",
            """
            CREATE TABLE upload_session (
                nar_id      TEXT   NOT NULL PRIMARY KEY,
                upload_id   TEXT   NOT NULL,
                cache       TEXT   NOT NULL,
                compression TEXT   NOT NULL,
                created_at  BIGINT NOT NULL,
                expires_at  BIGINT NOT NULL
            )""",
            "CREATE INDEX upload_session_by_expiry ON upload_session (expires_at)",
            """
            CREATE TABLE upload_part (
                nar_id      TEXT    NOT NULL REFERENCES upload_session (nar_id) ON DELETE CASCADE,
                part_number INTEGER NOT NULL CHECK (part_number >= 1),
                md5         TEXT    NOT NULL,
                size        BIGINT  NOT NULL CHECK (size >= 0),
                PRIMARY KEY (nar_id, part_number)
            )""",
            """
            CREATE TABLE token (
                id          TEXT   NOT NULL PRIMARY KEY,
                subject     TEXT   NOT NULL,
                permission  TEXT   NOT NULL,
                expires_at  BIGINT,
                issued_at   BIGINT NOT NULL,
                revoked_at  BIGINT
            )""",
            """
            CREATE TABLE cache_key (
                seq           BIGSERIAL,
                cache         TEXT   NOT NULL,
                public_key    TEXT   NOT NULL,
                registered_at BIGINT NOT NULL,
                PRIMARY KEY (cache, public_key)
            )""",
            """
            CREATE TABLE pin (
                id          BIGSERIAL PRIMARY KEY,
                cache       TEXT   NOT NULL,
                name        TEXT   NOT NULL,
                store_path  TEXT   NOT NULL,
                artifacts   TEXT   NOT NULL,
                keep_kind   TEXT   NOT NULL,
                keep_amount BIGINT NOT NULL,
                created_at  BIGINT NOT NULL
            )""",
            "CREATE INDEX pin_by_cache ON pin (cache, name)",
            """
            CREATE TABLE nar_placement (
                cache      TEXT   NOT NULL,
                file_name  TEXT   NOT NULL,
                storage    TEXT   NOT NULL,
                size       BIGINT NOT NULL CHECK (size >= 0),
                created_at BIGINT NOT NULL,
                PRIMARY KEY (cache, file_name)
            )""",
            """
            CREATE TABLE storage_usage (
                cache   TEXT   NOT NULL,
                storage TEXT   NOT NULL,
                bytes   BIGINT NOT NULL CHECK (bytes >= 0),
                files   BIGINT NOT NULL CHECK (files >= 0),
                PRIMARY KEY (cache, storage)
            )""",
            """
            CREATE TABLE placement_state (
                cache          TEXT NOT NULL PRIMARY KEY,
                last_placement TEXT NOT NULL
            )""",
            """
            CREATE TABLE deployment (
                id               TEXT   NOT NULL PRIMARY KEY,
                agent            TEXT   NOT NULL,
                idx              BIGINT NOT NULL CHECK (idx >= 1),
                store_path       TEXT   NOT NULL,
                rollback_scripts TEXT   NOT NULL,
                status           TEXT   NOT NULL,
                created_on       TEXT   NOT NULL,
                started_on       TEXT,
                finished_on      TEXT,
                closure_size     BIGINT CHECK (closure_size >= 0),
                UNIQUE (agent, idx)
            )""",
            "CREATE INDEX deployment_by_agent_status ON deployment (agent, status, idx)",
            """
            CREATE TABLE deployment_log (
                deployment TEXT   NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
                seq        BIGINT NOT NULL,
                line       TEXT   NOT NULL,
                time       TEXT   NOT NULL,
                PRIMARY KEY (deployment, seq)
            )""",
            """
            CREATE TABLE artifact (
                cache            TEXT   NOT NULL,
                kind             TEXT   NOT NULL,
                name             TEXT   NOT NULL,
                size             BIGINT NOT NULL CHECK (size >= 0),
                content_type     TEXT   NOT NULL,
                content_encoding TEXT,
                stored_at        BIGINT NOT NULL,
                PRIMARY KEY (cache, kind, name)
            )""",
            "CREATE INDEX artifact_by_age ON artifact (cache, stored_at)",
            """
            CREATE TABLE realisation (
                cache     TEXT   NOT NULL,
                id        TEXT   NOT NULL,
                out_hash  TEXT   NOT NULL,
                document  TEXT   NOT NULL,
                stored_at BIGINT NOT NULL,
                PRIMARY KEY (cache, id)
            )""",
            "CREATE INDEX realisation_by_age ON realisation (cache, stored_at)")));

    private PostgresMigrations() {
    }
}
