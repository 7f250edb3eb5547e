package dev.cacheserver.adapters.persistence;

/**
 * The SQL of {@link SqliteNarInfoRepository}, one statement per constant: narinfo rows, references
 * ({@code narinfo_ref}), access times and the garbage-collection marks ({@code gc_keep}). Kept apart so the
 * repository reads as what it does; the statements' comments say why they are written the way they are.
 */
final class SqliteNarInfoStatements {
    private SqliteNarInfoStatements() {
    }

    static final String UPSERT = """
            INSERT INTO narinfo (cache, hash, store_path, file_hash, compression, file_size, nar_hash, nar_size,
                                 refs, deriver, system, ca, sigs, created_at, last_accessed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cache, hash) DO UPDATE SET
                store_path = excluded.store_path, file_hash = excluded.file_hash,
                compression = excluded.compression, file_size = excluded.file_size,
                nar_hash = excluded.nar_hash, nar_size = excluded.nar_size, refs = excluded.refs,
                deriver = excluded.deriver, system = excluded.system, ca = excluded.ca, sigs = excluded.sigs,
                last_accessed_at = excluded.last_accessed_at""";
    static final String FIND =
            "SELECT " + NarInfoRows.COLUMNS + " FROM narinfo WHERE cache = ? AND hash = ?";
    static final String COUNT = "SELECT count(*) FROM narinfo WHERE cache = ?";
    static final String HASHES_FROM_START =
            "SELECT hash FROM narinfo WHERE cache = ? ORDER BY hash LIMIT ?";
    static final String HASHES_AFTER =
            "SELECT hash FROM narinfo WHERE cache = ? AND hash > ? ORDER BY hash LIMIT ?";
    /*
     * UNION (not UNION ALL) makes SQLite remember visited paths, so shared and cyclic references end the walk.
     * CROSS JOIN pins the join order (walk first, then its references by primary key): left to itself, SQLite
     * 3.5x may scan every reference of the cache once per visited path.
     */
    static final String CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT hash FROM narinfo WHERE hash IN (SELECT value FROM json_each(?)) AND cache = ?
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ? AND r.hash = walk.hash
                WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = r.cache AND n.hash = r.ref)
            )
            SELECT hash FROM walk""";
    static final String REFERRERS =
            "SELECT hash FROM narinfo_ref WHERE cache = ? AND ref = ? AND hash <> ref ORDER BY hash LIMIT ?";
    static final String PATHS_USING =
            "SELECT hash FROM narinfo WHERE cache = ? AND file_hash = ? AND compression = ? LIMIT ?";
    /* "IN (subquery)" makes SQLite look each file hash up in the index; a join may scan the whole index instead. */
    static final String NAR_FILES_IN_USE = """
            SELECT DISTINCT file_hash, compression FROM narinfo
            WHERE cache = ? AND file_hash IN (SELECT value FROM json_each(?))""";
    static final String TOUCH_NAR = "UPDATE narinfo SET last_accessed_at = MAX(last_accessed_at, ?)"
            + " WHERE cache = ? AND file_hash = ? AND compression = ?";
    static final String CLEAR_MARKS = "DELETE FROM gc_keep WHERE cache = ?";
    /*
     * Starts from the paths accessed since the instant and the pins; a path already marked is not walked again
     * (its closure was marked with it), which makes a repeated mark with a later instant cheap.
     */
    static final String MARK_KEPT = """
            INSERT OR IGNORE INTO gc_keep (cache, hash)
            WITH RECURSIVE walk(hash) AS (
                SELECT n.hash FROM narinfo AS n WHERE n.cache = ?1 AND n.last_accessed_at >= ?2
                    AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
                UNION
                SELECT hash FROM narinfo WHERE cache = ?1 AND hash IN (SELECT value FROM json_each(?3))
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ?1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = r.ref)
            )
            SELECT ?1, walk.hash FROM walk
            WHERE EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ?1 AND n.hash = walk.hash)""";
    /*
     * "+n.last_accessed_at" keeps SQLite from using the access-time index here: walking the primary key in order
     * and stopping at the LIMIT reads each row once over a whole scan, where the index would read every old row
     * and sort them for each page.
     */
    static final String UNMARKED_FROM_START = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    static final String UNMARKED_AFTER = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2 AND n.hash > ?4
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    static final String UNMARKED_SINCE = "SELECT " + prefixed("n.") + """
             FROM narinfo AS n WHERE n.cache = ?1 AND +n.last_accessed_at < ?2 AND +n.last_accessed_at >= ?5
                AND n.hash > ?4
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.hash LIMIT ?3""";
    /* instr() rather than LIKE: the filter is taken literally (no % or _ wildcards to escape). */
    static final String STORE_PATHS_AFTER = """
            SELECT store_path FROM narinfo WHERE cache = ?1 AND hash > ?2 AND instr(store_path, ?3) > 0
            ORDER BY hash LIMIT ?4""";
    static final String LAST_ACCESS = "SELECT last_accessed_at FROM narinfo WHERE cache = ? AND hash = ?";
    /* One row per NAR file: paths sharing a file count it once. */
    static final String STORED_BYTES = """
            SELECT COALESCE(SUM(size), 0) FROM (SELECT MAX(file_size) AS size FROM narinfo WHERE cache = ?
                                                GROUP BY file_hash, compression)""";
    static final String KEPT_BYTES = """
            SELECT COALESCE(SUM(size), 0) FROM (
                SELECT MAX(n.file_size) AS size FROM gc_keep AS k
                JOIN narinfo AS n ON n.cache = k.cache AND n.hash = k.hash
                WHERE k.cache = ? GROUP BY n.file_hash, n.compression)""";
    /* Backwards over the access-time index: the most recent first, stopping at the LIMIT. */
    static final String UNMARKED_BY_RECENCY = """
            SELECT n.hash FROM narinfo AS n
            WHERE n.cache = ?1 AND n.last_accessed_at >= ?2 AND n.last_accessed_at < ?3
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.last_accessed_at DESC, n.hash LIMIT ?4""";
    /*
     * The same, continuing after the cursor path (?5, last accessed at ?6) instead of passing over every path marked
     * before it, which made each page cost more than the last. The caller narrows ?3 to just past ?6, so the
     * access-time index is entered at the cursor; the OR only sorts out the cursor's ties.
     */
    static final String UNMARKED_BY_RECENCY_AFTER = """
            SELECT n.hash FROM narinfo AS n
            WHERE n.cache = ?1 AND n.last_accessed_at >= ?2 AND n.last_accessed_at < ?3
                AND (n.last_accessed_at < ?6 OR n.hash > ?5)
                AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
            ORDER BY n.last_accessed_at DESC, n.hash LIMIT ?4""";
    /* The unmarked part of the closure of some paths; ?1 cache, ?2 the paths as a JSON array. */
    static final String UNMARKED_CLOSURE = """
            WITH RECURSIVE walk(hash) AS (
                SELECT n.hash FROM narinfo AS n WHERE n.cache = ?1 AND n.hash IN (SELECT value FROM json_each(?2))
                    AND NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = n.hash)
                UNION
                SELECT r.ref FROM walk CROSS JOIN narinfo_ref AS r ON r.cache = ?1 AND r.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM gc_keep AS k WHERE k.cache = ?1 AND k.hash = r.ref)
                    AND EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ?1 AND n.hash = r.ref)
            )
            """;
    /*
     * "walk CROSS JOIN narinfo" fixes the join order: left to itself, SQLite 3.54 scans the whole narinfo_by_file
     * index to avoid sorting for the GROUP BY, which made each batch cost a pass over the cache (quadratic sweeps).
     */
    static final String UNMARKED_CLOSURE_BYTES = UNMARKED_CLOSURE + """
            SELECT COALESCE(SUM(size), 0) FROM (
                SELECT MAX(n.file_size) AS size FROM walk CROSS JOIN narinfo AS n ON n.cache = ?1 AND n.hash = walk.hash
                WHERE NOT EXISTS (SELECT 1 FROM narinfo AS m JOIN gc_keep AS k ON k.cache = m.cache AND k.hash = m.hash
                                  WHERE m.cache = ?1 AND m.file_hash = n.file_hash AND m.compression = n.compression)
                GROUP BY n.file_hash, n.compression)""";
    static final String MARK_UNMARKED_CLOSURE =
            "INSERT OR IGNORE INTO gc_keep (cache, hash) " + UNMARKED_CLOSURE + "SELECT ?1, hash FROM walk";
    /*
     * The hashes travel as one JSON array parameter, so any number of them is one statement with two
     * parameters (no 999/32766 parameter limit, no chunking), and each is a primary-key lookup.
     */
    static final String FIND_MISSING = """
            SELECT j.value FROM json_each(?) AS j
            WHERE NOT EXISTS (SELECT 1 FROM narinfo AS n WHERE n.cache = ? AND n.hash = j.value)""";
    static final String DELETE = "DELETE FROM narinfo WHERE cache = ? AND hash = ?";
    static final String DELETE_ALL =
            "DELETE FROM narinfo WHERE cache = ? AND hash IN (SELECT value FROM json_each(?))";
    static final String TOUCH =
            "UPDATE narinfo SET last_accessed_at = MAX(last_accessed_at, ?) WHERE cache = ? AND hash = ?";

    private static String prefixed(String alias) {
        return alias + NarInfoRows.COLUMNS.replace(", ", ", " + alias);
    }
}
