package dev.cacheserver.adapters.persistence;

import java.util.List;
import java.util.Objects;

/**
 * One schema change: the statements that take the database from {@code version - 1} to {@code version}.
 * They run in one transaction together with the {@code schema_version} row that records them.
 */
public record Migration(int version, String description, List<String> statements) {
    public Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1");
        }
        Objects.requireNonNull(description, "description");
        statements = List.copyOf(statements);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("migration " + version + " has no statements");
        }
    }
}
