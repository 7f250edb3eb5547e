package dev.cacheserver.bootstrap.config;

import java.util.List;

/**
 * With a shared database ({@code server.database} a PostgreSQL URL) every replica serves every narinfo, so every
 * replica must reach every NAR: an S3 storage always can, a local directory only when it is the same mount on
 * all of them, which its {@code shared: true} says. Anything else would publish paths whose NARs are missing
 * on the other replicas, so it is refused at start.
 */
final class SharedStorageRule {
    static final String WHY = "server.database is a shared PostgreSQL database, so every replica serves every path "
            + "and must reach its NAR, but a local directory is only on this machine";
    static final String FIX = "use an s3 storage, or a local one whose root is the same mount on every replica "
            + "with shared: true";

    private SharedStorageRule() {
    }

    /** A cache without {@code storages:} would get a local directory under the data directory. */
    static void checkImplicit(ServerSettings server, YamlNode storages) {
        if (server.sharedDatabase().isPresent()) {
            throw storages.failWithoutValue("is required: " + WHY + " (the default storage is "
                    + server.dataDir().resolve(CacheSectionReader.DEFAULT_STORAGE_DIR) + "); " + FIX);
        }
    }

    static void check(ServerSettings server, List<YamlMap> maps, List<StorageSettings> storages) {
        if (server.sharedDatabase().isEmpty()) {
            return;
        }
        for (int i = 0; i < storages.size(); i++) {
            StorageSettings storage = storages.get(i);
            if (storage.type() == StorageType.LOCAL && !storage.shared()) {
                throw maps.get(i).get("shared").failWithoutValue("must be true for local storage " + storage.name()
                        + ": " + WHY + "; " + FIX);
            }
        }
    }
}
