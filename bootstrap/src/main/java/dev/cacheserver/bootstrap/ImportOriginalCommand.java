package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.domain.port.NarInfoRepository;
import dev.cacheserver.adapters.persistence.SqliteOriginalServerArchive;
import dev.cacheserver.adapters.storage.DecompressingNarContentHasher;
import dev.cacheserver.adapters.storage.S3OriginalObjects;
import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.application.migration.Migration;
import dev.cacheserver.application.port.in.ImportFromOriginal.ImportSummary;
import dev.cacheserver.application.port.in.ImportFromOriginal.Result;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.bootstrap.config.CacheSettings;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code cache-server import-original --from DB [--cache ORIGINAL[=TARGET]]… [--dry-run] [--replace-key|--keep-key]}:
 * moves the original (Python) server's caches into this one: every path whose NAR verifies against its database row,
 * and each cache's key.priv as the signing key, so clients that trust the original's key keep substituting.
 * Exit codes: 0 all imported (or, with --dry-run, all importable), 1 some paths could not be imported (each named
 * on stderr with the reason) or a failure, 2 usage, configuration, key conflict or a running server.
 */
final class ImportOriginalCommand {
    static final String USAGE = """
            usage: cache-server [--config FILE] import-original --from ORIGINAL-DB [--cache ORIGINAL[=TARGET]]...
                                [--dry-run] [--replace-key | --keep-key] [--s3-endpoint URL]
            Imports the original cache-server's paths (its SQLite database and the NAR files of its local and
            S3 storages, read with the bucket and keys in its database) and signing keys. Each original cache goes into the cache of the same name here, or TARGET.
            Every NAR is checked against its FileHash, FileSize, NarHash and NarSize; what fails is reported.
            The original's key.priv becomes the cache's signing key, so clients keep their trusted-public-keys.
            If the cache already has a different key: --replace-key (use the original's, keep the old file as
            <cache>.secret.replaced) or --keep-key (sign the imported paths with the current key).
            --s3-endpoint: an S3-compatible server holding the original's buckets (the original spoke only to
            AWS); path-style requests.
            Stop the server first. Run with --dry-run first: it checks everything and writes nothing.
            exit: 0 all imported, 1 some paths not imported (listed on stderr), 2 usage/config/key conflict""";

    private ImportOriginalCommand() {
    }

    enum KeyPolicy { ASK, REPLACE, KEEP }

    static int run(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        Path from = null;
        Map<String, String> mapping = new LinkedHashMap<>();
        boolean dryRun = false;
        KeyPolicy keys = KeyPolicy.ASK;
        Optional<URI> s3Endpoint = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (arg) {
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--from" -> {
                    if (value == null) {
                        return Main.usage(err, "--from needs the original's database file");
                    }
                    from = Path.of(value);
                    i++;
                }
                case "--cache" -> {
                    if (value == null || value.startsWith("--")) {
                        return Main.usage(err, "--cache needs ORIGINAL or ORIGINAL=TARGET");
                    }
                    int eq = value.indexOf('=');
                    mapping.put(eq < 0 ? value : value.substring(0, eq), eq < 0 ? value : value.substring(eq + 1));
                    i++;
                }
                case "--dry-run" -> dryRun = true;
                case "--s3-endpoint" -> {
                    if (value == null || !(value.startsWith("http://") || value.startsWith("https://"))) {
                        return Main.usage(err, "--s3-endpoint needs an http:// or https:// URL");
                    }
                    s3Endpoint = Optional.of(URI.create(value));
                    i++;
                }
                case "--replace-key" -> keys = keys == KeyPolicy.KEEP ? null : KeyPolicy.REPLACE;
                case "--keep-key" -> keys = keys == KeyPolicy.REPLACE ? null : KeyPolicy.KEEP;
                default -> {
                    return Main.usage(err, "import-original: unknown option " + arg);
                }
            }
            if (keys == null) {
                return Main.usage(err, "import-original: --replace-key and --keep-key exclude each other");
            }
        }
        if (from == null) {
            return Main.usage(err, "import-original needs --from ORIGINAL-DB (the original's server.database file)");
        }
        AppConfig config = Main.load(configFile);
        Vertx vertx = Vertx.vertx();
        try (SqliteOriginalServerArchive archive = SqliteOriginalServerArchive.open(vertx, from).await(1, TimeUnit.MINUTES)) {
            List<String> originals = archive.cacheNames().toCompletableFuture().get(1, TimeUnit.MINUTES);
            if (mapping.isEmpty()) {
                originals.forEach(name -> mapping.put(name, name));
            }
            Map<String, CacheSettings> targets = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : mapping.entrySet()) {
                if (!originals.contains(e.getKey())) {
                    err.println("cache-server: the original has no cache named '" + e.getKey() + "' (it has: "
                            + String.join(", ", originals) + ")");
                    return 2;
                }
                Optional<CacheSettings> target = config.caches().stream()
                        .filter(c -> c.name().equals(e.getValue())).findFirst();
                if (target.isEmpty()) {
                    err.println("cache-server: no cache named '" + e.getValue() + "' in the configuration; add it"
                            + " (or map the original's cache with --cache " + e.getKey() + "=NAME)");
                    return 2;
                }
                if (!dryRun && isListening(config.server().hostname(), target.get().port())) {
                    err.println("cache-server: port " + target.get().port() + " of cache " + e.getValue()
                            + " is in use: stop the server before importing, and start it again afterwards");
                    return 2;
                }
                targets.put(e.getKey(), target.get());
            }
            KeyRing keyRing = new KeyRing(config);
            for (Map.Entry<String, CacheSettings> e : targets.entrySet()) {
                Optional<String> original = archive.secretKey(e.getKey()).toCompletableFuture().get(1, TimeUnit.MINUTES);
                int problem = new OriginalKeyAdoption(keyRing, out, err)
                        .adopt(e.getKey(), e.getValue(), original, keys, dryRun);
                if (problem != 0) {
                    return problem;
                }
            }
            try (S3OriginalObjects s3 = new S3OriginalObjects(vertx, s3Endpoint)) {
                return importAll(vertx, config, keyRing, archive, s3, targets, dryRun, out, err);
            }
        } finally {
            vertx.close().await(1, TimeUnit.MINUTES);
        }
    }

    private static int importAll(Vertx vertx, AppConfig config, KeyRing keyRing, SqliteOriginalServerArchive archive,
                                 S3OriginalObjects s3, Map<String, CacheSettings> targets, boolean dryRun, PrintStream out, PrintStream err)
            throws Exception {
        MetadataDatabase db = MetadataDatabases.open(vertx, config.server()).await(1, TimeUnit.MINUTES);
        DecompressingNarContentHasher hasher = new DecompressingNarContentHasher(vertx);
        long failed = 0;
        try {
            for (Map.Entry<String, CacheSettings> e : targets.entrySet()) {
                CacheSettings settings = e.getValue();
                CacheProfile profile = new CacheProfile(new CacheName(settings.name()),
                        settings.access() == CacheSettings.Access.PUBLIC, signingKey(keyRing, settings, dryRun),
                        keyRing.publicUrl(settings), settings.priority());
                StorageGroupNarStore store = new NarStores(vertx, db, config.server().dataDir()).open(settings)
                        .await(5, TimeUnit.MINUTES);
                try {
                    NarInfoRepository repository = db.narInfos();
                    NarInfoService narInfos = new NarInfoService(profile, repository, store, hasher);
                    ImportSummary summary = Migration.importer(profile, archive, s3, store, repository, narInfos,
                            hasher).importCache(e.getKey(), dryRun, outcome -> {
                                if (outcome.result() == Result.FAILED) {
                                    err.println("cannot import " + outcome.storePath() + ": " + outcome.reason());
                                } else {
                                    out.println(verb(outcome.result()) + " " + outcome.storePath());
                                }
                            }).toCompletableFuture().get(7, TimeUnit.DAYS);
                    failed += summary.failed();
                    out.println("cache " + e.getKey() + " -> " + settings.name() + ": " + summary.imported()
                            + (dryRun ? " paths would be imported, " : " paths imported, ") + summary.alreadyPresent()
                            + " already present, " + summary.failed() + " could not be imported"
                            + (dryRun ? " (dry run: nothing written)" : ""));
                } finally {
                    NarStores.close(store);
                }
            }
        } finally {
            hasher.close().await(1, TimeUnit.MINUTES);
            db.close().await(1, TimeUnit.MINUTES);
        }
        if (!dryRun && failed == 0) {
            out.println("done: start the server; the imported paths are served signed with each cache's key"
                    + " (cache-server public-key --cache NAME)");
        }
        return failed == 0 ? 0 : 1;
    }

    /** A dry run signs nothing that is kept, and must not generate the cache's key file as a start would. */
    private static SecretSigningKey signingKey(KeyRing keyRing, CacheSettings settings, boolean dryRun)
            throws IOException {
        if (!dryRun || settings.signingKeyFile().isPresent()) {
            return keyRing.signingKey(settings);
        }
        return SecretFiles.read(keyRing.generatedKeyFile(settings)).map(SecretSigningKey::parse)
                .orElseGet(() -> SecretSigningKey.generate("dry-run"));
    }

    private static String verb(Result result) {
        return switch (result) {
            case IMPORTED -> "imported";
            case WOULD_IMPORT -> "would import";
            case ALREADY_PRESENT -> "already present";
            case FAILED -> "failed";
        };
    }

    private static boolean isListening(String host, int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
