package dev.cacheserver.adapters.persistence;

import java.util.List;

/**
 * The schema, as the ordered list of every migration ever released; version {@code n} is at index
 * {@code n - 1}. Released migrations are never edited: a schema change appends the next one. One statement
 * per string, because the SQLite JDBC driver runs only the first statement of a string.
 */
final class Migrations {

    static final List<Migration> ALL = List.of(
            new Migration(1, "narinfo table", List.of("""
                    CREATE TABLE narinfo (
                        cache            TEXT    NOT NULL,
                        hash             TEXT    NOT NULL,
                        store_path       TEXT    NOT NULL,
                        file_hash        TEXT    NOT NULL,
                        compression      TEXT    NOT NULL,
                        file_size        INTEGER NOT NULL CHECK (file_size >= 0),
                        nar_hash         TEXT    NOT NULL,
                        nar_size         INTEGER NOT NULL CHECK (nar_size >= 0),
                        refs             TEXT    NOT NULL,
                        deriver          TEXT,
                        system           TEXT,
                        ca               TEXT,
                        sigs             TEXT    NOT NULL,
                        created_at       INTEGER NOT NULL,
                        last_accessed_at INTEGER NOT NULL,
                        PRIMARY KEY (cache, hash)
                    )""")),
            new Migration(2, "Cachix uploads, tokens, registered keys and pins", List.of("""
                    CREATE TABLE upload_session (
                        nar_id      TEXT    NOT NULL PRIMARY KEY,
                        upload_id   TEXT    NOT NULL,
                        cache       TEXT    NOT NULL,
                        compression TEXT    NOT NULL,
                        created_at  INTEGER NOT NULL,
                        expires_at  INTEGER NOT NULL
                    )""",
                    "CREATE INDEX upload_session_by_expiry ON upload_session (expires_at)",
                    """
                    CREATE TABLE upload_part (
                        nar_id      TEXT    NOT NULL REFERENCES upload_session (nar_id) ON DELETE CASCADE,
                        part_number INTEGER NOT NULL CHECK (part_number >= 1),
                        md5         TEXT    NOT NULL,
                        size        INTEGER NOT NULL CHECK (size >= 0),
                        PRIMARY KEY (nar_id, part_number)
                    )""",
                    """
                    CREATE TABLE token (
                        id          TEXT    NOT NULL PRIMARY KEY,
                        subject     TEXT    NOT NULL,
                        permission  TEXT    NOT NULL,
                        expires_at  INTEGER,
                        issued_at   INTEGER NOT NULL,
                        revoked_at  INTEGER
                    )""",
                    """
                    CREATE TABLE cache_key (
                        cache         TEXT    NOT NULL,
                        public_key    TEXT    NOT NULL,
                        registered_at INTEGER NOT NULL,
                        PRIMARY KEY (cache, public_key)
                    )""",
                    """
                    CREATE TABLE pin (
                        id          INTEGER PRIMARY KEY AUTOINCREMENT,
                        cache       TEXT    NOT NULL,
                        name        TEXT    NOT NULL,
                        store_path  TEXT    NOT NULL,
                        artifacts   TEXT    NOT NULL,
                        keep_kind   TEXT    NOT NULL,
                        keep_amount INTEGER NOT NULL,
                        created_at  INTEGER NOT NULL
                    )""",
                    "CREATE INDEX pin_by_cache ON pin (cache, name)")),
            new Migration(3, "storage placement: which storage holds each NAR, usage per storage, round-robin position",
                    List.of("""
                    CREATE TABLE nar_placement (
                        cache      TEXT    NOT NULL,
                        file_name  TEXT    NOT NULL,
                        storage    TEXT    NOT NULL,
                        size       INTEGER NOT NULL CHECK (size >= 0),
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (cache, file_name)
                    )""", """
                    CREATE TABLE storage_usage (
                        cache   TEXT    NOT NULL,
                        storage TEXT    NOT NULL,
                        bytes   INTEGER NOT NULL CHECK (bytes >= 0),
                        files   INTEGER NOT NULL CHECK (files >= 0),
                        PRIMARY KEY (cache, storage)
                    )""", """
                    CREATE TABLE placement_state (
                        cache             TEXT NOT NULL PRIMARY KEY,
                        last_placement    TEXT NOT NULL
                    )""")),
            new Migration(4, "Cachix Deploy: deployments and their log lines", List.of("""
                    CREATE TABLE deployment (
                        id               TEXT    NOT NULL PRIMARY KEY,
                        agent            TEXT    NOT NULL,
                        idx              INTEGER NOT NULL CHECK (idx >= 1),
                        store_path       TEXT    NOT NULL,
                        rollback_scripts TEXT    NOT NULL,
                        status           TEXT    NOT NULL,
                        created_on       TEXT    NOT NULL,
                        started_on       TEXT,
                        finished_on      TEXT,
                        closure_size     INTEGER CHECK (closure_size >= 0),
                        UNIQUE (agent, idx)
                    )""",
                    "CREATE INDEX deployment_by_agent_status ON deployment (agent, status, idx)",
                    """
                    CREATE TABLE deployment_log (
                        deployment TEXT    NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
                        seq        INTEGER NOT NULL,
                        line       TEXT    NOT NULL,
                        time       TEXT    NOT NULL,
                        PRIMARY KEY (deployment, seq)
                    )""")),
            new Migration(5, "narinfos on demand: references, NAR users and access times indexed; GC marks", List.of(
                    // One row per reference, kept in step with narinfo.refs by triggers, so whoever writes the
                    // narinfo table (server, importer, bulk load) keeps closures and referrers queryable.
                    """
                    CREATE TABLE narinfo_ref (
                        cache TEXT NOT NULL,
                        hash  TEXT NOT NULL,
                        ref   TEXT NOT NULL,
                        PRIMARY KEY (cache, hash, ref)
                    ) WITHOUT ROWID""",
                    "CREATE INDEX narinfo_ref_by_ref ON narinfo_ref (cache, ref)",
                    "INSERT OR IGNORE INTO narinfo_ref (cache, hash, ref) SELECT n.cache, n.hash, substr(j.value, 1, 32)"
                            + " FROM narinfo AS n, json_each('[\"' || replace(trim(n.refs), ' ', '\",\"') || '\"]') AS j"
                            + " WHERE trim(n.refs) <> '' AND length(j.value) >= 32",
                    """
                    CREATE TRIGGER narinfo_ref_on_insert AFTER INSERT ON narinfo WHEN trim(NEW.refs) <> '' BEGIN
                        INSERT OR IGNORE INTO narinfo_ref (cache, hash, ref)
                        SELECT NEW.cache, NEW.hash, substr(value, 1, 32)
                        FROM json_each('["' || replace(trim(NEW.refs), ' ', '","') || '"]') WHERE length(value) >= 32;
                    END""",
                    """
                    CREATE TRIGGER narinfo_ref_on_update AFTER UPDATE OF refs ON narinfo BEGIN
                        DELETE FROM narinfo_ref WHERE cache = OLD.cache AND hash = OLD.hash;
                        INSERT OR IGNORE INTO narinfo_ref (cache, hash, ref)
                        SELECT NEW.cache, NEW.hash, substr(value, 1, 32)
                        FROM json_each('["' || replace(trim(NEW.refs), ' ', '","') || '"]')
                        WHERE trim(NEW.refs) <> '' AND length(value) >= 32;
                    END""",
                    """
                    CREATE TRIGGER narinfo_ref_on_delete AFTER DELETE ON narinfo BEGIN
                        DELETE FROM narinfo_ref WHERE cache = OLD.cache AND hash = OLD.hash;
                    END""",
                    "CREATE INDEX narinfo_by_file ON narinfo (cache, file_hash)",
                    "CREATE INDEX narinfo_by_access ON narinfo (cache, last_accessed_at)",
                    """
                    CREATE TABLE gc_keep (
                        cache TEXT NOT NULL,
                        hash  TEXT NOT NULL,
                        PRIMARY KEY (cache, hash)
                    ) WITHOUT ROWID""")),
            new Migration(6, "build logs, NAR listings and realisations", List.of("""
                    CREATE TABLE artifact (
                        cache            TEXT    NOT NULL,
                        kind             TEXT    NOT NULL,
                        name             TEXT    NOT NULL,
                        size             INTEGER NOT NULL CHECK (size >= 0),
                        content_type     TEXT    NOT NULL,
                        content_encoding TEXT,
                        stored_at        INTEGER NOT NULL,
                        PRIMARY KEY (cache, kind, name)
                    )""",
                    "CREATE INDEX artifact_by_age ON artifact (cache, stored_at)",
                    "CREATE INDEX narinfo_by_deriver ON narinfo (cache, deriver)",
                    """
                    CREATE TABLE realisation (
                        cache       TEXT    NOT NULL,
                        id          TEXT    NOT NULL,
                        out_hash    TEXT    NOT NULL,
                        document    TEXT    NOT NULL,
                        stored_at   INTEGER NOT NULL,
                        PRIMARY KEY (cache, id)
                    )""",
                    "CREATE INDEX realisation_by_age ON realisation (cache, stored_at)")));

    private Migrations() {
    }
}
