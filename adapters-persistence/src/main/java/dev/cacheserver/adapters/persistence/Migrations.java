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
            // Reserved while the Cachix API (2) and storage placement (3) are being written; replaced by them.
            new Migration(2, "reserved for Cachix uploads and tokens", List.of("CREATE TABLE reserved_2 (unused INTEGER)")),
            new Migration(3, "reserved for storage placement", List.of("CREATE TABLE reserved_3 (unused INTEGER)")));

    private Migrations() {
    }
}
