package dev.cacheserver.bootstrap.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code server.database} when it is a PostgreSQL URL, with {@code database-password-file} and
 * {@code database-pool-size}; a plain path stays the embedded SQLite file. A URL that carries a password is never
 * echoed back in an error.
 */
final class SharedDatabaseReader {
    static final int DEFAULT_PORT = 5432;
    static final int DEFAULT_POOL_SIZE = 8;
    static final int MAX_POOL_SIZE = 1000;
    static final String FORMAT = "postgresql://user@host:port/database";

    private SharedDatabaseReader() {
    }

    /** True when {@code server.database} names a PostgreSQL server rather than a SQLite file. */
    static boolean isUrl(YamlNode database) {
        if (!database.isPresent()) {
            return false;
        }
        String text = database.string();
        return text.startsWith("postgresql://") || text.startsWith("postgres://");
    }

    static Optional<SharedDatabase> read(YamlMap server) {
        YamlNode database = server.get("database");
        YamlNode passwordFile = server.get("database-password-file");
        YamlNode poolSize = server.get("database-pool-size");
        if (!isUrl(database)) {
            for (YamlNode onlyForUrl : new YamlNode[] {passwordFile, poolSize}) {
                if (onlyForUrl.isPresent()) {
                    throw onlyForUrl.failWithoutValue("applies only when server.database is a " + FORMAT + " URL");
                }
            }
            return Optional.empty();
        }
        URI url = parse(database);
        String[] userInfo = url.getRawUserInfo() == null ? new String[0] : url.getRawUserInfo().split(":", 2);
        Optional<String> urlPassword = userInfo.length == 2 ? Optional.of(decode(userInfo[1])) : Optional.empty();
        if (urlPassword.isPresent() && passwordFile.isPresent()) {
            throw passwordFile.failWithoutValue("cannot be used together with a password in server.database; "
                    + "keep the password in one place");
        }
        Optional<String> password = passwordFile.isPresent() ? Optional.of(readPassword(passwordFile)) : urlPassword;
        int pool = poolSize.isPresent() ? (int) poolSize.integer(1, MAX_POOL_SIZE) : DEFAULT_POOL_SIZE;
        return Optional.of(new SharedDatabase(url.getHost(), url.getPort() == -1 ? DEFAULT_PORT : url.getPort(),
                url.getPath().substring(1), decode(userInfo[0]), password, pool));
    }

    private static URI parse(YamlNode node) {
        String text = node.string();
        boolean secret = text.substring(text.indexOf("://") + 3).split("@", 2)[0].contains(":");
        String problem;
        try {
            URI url = new URI(text);
            problem = url.getHost() == null ? "must name the host"
                    : url.getRawUserInfo() == null || url.getRawUserInfo().startsWith(":") ? "must name the user"
                    : url.getPath() == null || url.getPath().length() < 2 || url.getPath().indexOf('/', 1) >= 0
                    ? "must name the database after the host" : url.getRawQuery() != null || url.getRawFragment() != null
                    ? "takes no ?parameters or #fragment" : null;
            if (problem == null) {
                return url;
            }
        } catch (URISyntaxException e) {
            problem = "is not a valid URL";
        }
        String message = problem + " (" + FORMAT + ")";
        throw secret ? node.failWithoutValue(message + " (value not shown: it holds a password)") : node.fail(message);
    }

    private static String readPassword(YamlNode node) {
        Path file = ConfigValues.path(node);
        try {
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw node.fail("names an empty file");
            }
            return password;
        } catch (IOException e) {
            throw node.fail("cannot be read: " + e.getMessage());
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
