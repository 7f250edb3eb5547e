package dev.cacheserver.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input gives one ConfigException whose message names the file and the exact key path. */
class ConfigLoaderErrorsTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/alice");
    private static final String FILE = "/etc/cache-server/config.yaml";

    private static final String S3_OK = "{name: b, type: s3, s3_bucket: nars}";

    /** A config with one cache whose body is {@code cacheBody} (indented under "- "). */
    private static String cache(String cacheBody) {
        return "caches:\n  - name: main\n" + cacheBody.indent(4);
    }

    /** A config with one cache and one storage whose body is {@code storageBody}. */
    private static String storage(String storageBody) {
        return cache("storages:\n  - name: s\n" + storageBody.indent(4));
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // YAML itself
                bad("syntax error reports line and column", "server:\n  server-port: 5000\n  hostname: [a\n",
                        "invalid YAML: line 4, column 1: expected ',' or ']', but got <stream end> (while parsing a flow sequence started on line 3, column 13)"),
                bad("empty file", "", FILE + ": config file is empty"),
                bad("only comments", "# nothing here\n", "config file is empty"),
                bad("two documents", "server: {}\n---\ncaches: []\n", "invalid YAML: line 2, column 1: but found another document (expected a single document in the stream started on line 1, column 1)"),
                bad("duplicate key", "server:\n  server-port: 5000\n  server-port: 5001\n",
                        "server.server-port: duplicate key (first on line 2, again on line 3)"),
                bad("top level is a list", "- server\n", ": (top level): must be a mapping"),
                bad("unknown top-level key", "servers:\n  key: x\n",
                        "servers: unknown key; did you mean server? (allowed: server, caches, workspaces, agents)"),
                bad("typo in a cache key", cache("stroage-strategy: in-order"),
                        "caches[0].stroage-strategy: unknown key; did you mean storage-strategy?", "allowed: name, port"),
                bad("unknown storage key", storage("type: local\nroot: /x\ns3-bucket: b"),
                        "caches[0].storages[0].s3-bucket: unknown key; did you mean s3_bucket?"),
                bad("unknown server key", "server:\n  listen: 0.0.0.0\n", "server.listen: unknown key (allowed: data-dir"),
                bad("too many aliases", "a: &a [x]\nb: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n",
                        "invalid YAML", "aliases"),

                // Types and ranges
                bad("port is text", cache("port: abc"),
                        "caches[0].port: must be an integer from 1 to 65535 (got \"abc\")"),
                bad("port quoted like the original refused", "server:\n  server-port: \"5000\"\n",
                        "server.server-port: must be an integer from 1 to 65535, written without quotes (got \"5000\")"),
                bad("port with a leading zero is not octal-guessed", "server:\n  server-port: 08080\n",
                        "server.server-port: must be an integer from 1 to 65535 (got \"08080\")"),
                bad("port too large", "server:\n  deploy-port: 70000\n",
                        "server.deploy-port: must be an integer from 1 to 65535 (got 70000)"),
                bad("port zero", cache("port: 0"), "caches[0].port: must be an integer from 1 to 65535 (got 0)"),
                bad("port fraction", "server:\n  dht-port: 42.5\n", "server.dht-port: must be an integer", "(got 42.5)"),
                bad("port is a list", "server:\n  default-port: [1]\n", "server.default-port: must be an integer", "got a list"),
                bad("caches is a mapping", "caches:\n  main: {port: 1}\n", "caches: must be a list of caches", "got a mapping"),
                bad("server is a list", "server:\n  - key\n", "server: must be a mapping", "got a list"),
                bad("bool quoted", "server:\n  standalone: \"yes\"\n",
                        "server.standalone: must be true or false, written without quotes (got \"yes\")"),
                bad("hostname is a number", "server:\n  hostname: 10\n", "server.hostname: must be a string"),
                bad("hostname is a URL", "server:\n  hostname: http://x\n", "server.hostname: must be a host name"),
                bad("unknown strategy", cache("storage-strategy: random"),
                        "caches[0].storage-strategy: is not a known value (got \"random\"; allowed: round-robin, in-order, split, least-used)"),
                bad("unknown default-storage", "server:\n  default-storage: ftp\n",
                        "server.default-storage: is not a known value (got \"ftp\"; allowed: local, s3)"),
                bad("unknown access", cache("access: secret"), "caches[0].access: is not a known value", "allowed: public, private"),
                bad("unknown compression", cache("compression: gzip"), "caches[0].compression", "allowed: zstd, xz"),
                bad("priority out of range", cache("priority: 5000"), "caches[0].priority: must be an integer from 0 to 1000"),
                bad("url with query", cache("url: https://x.org/?a=1"), "caches[0].url: must be an absolute http"),
                bad("url without scheme", cache("url: cache.example.org"), "caches[0].url: must be an absolute http"),
                bad("url with credentials is not echoed", cache("url: https://u:pw@x.org"),
                        "caches[0].url: must not contain user:password@ (value not shown)"),

                // Server keys
                bad("key empty", "server:\n  key: \"\"\n", "server.key: must not be empty; remove the key"),
                bad("key is a number", "server:\n  key: 12345\n", "server.key: must be a string", "(got <hidden>)"),
                bad("dht-network 0 is the public network", "server:\n  dht-network: 0\n",
                        "server.dht-network: must not be 0: that is the public OpenDHT network"),
                bad("dht-network negative", "server:\n  dht-network: -1\n", "server.dht-network: must be an integer from 0 to 4294967295"),
                bad("trusted key without name", "server:\n  dht-trusted-keys:\n    - 6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=\n",
                        "server.dht-trusted-keys[0]: must be a Nix public key name:base64"),
                bad("trusted key bad base64", "server:\n  dht-trusted-keys:\n    - k-1:not*base64\n",
                        "server.dht-trusted-keys[0]: has a key part that is not valid base64"),
                bad("trusted key wrong length", "server:\n  dht-trusted-keys:\n    - k-1:AAAA\n",
                        "server.dht-trusted-keys[0]: has a key part of 3 bytes, but an ed25519 public key has 32"),
                bad("trusted keys not a list", "server:\n  dht-trusted-keys: k-1:AAAA\n", "server.dht-trusted-keys: must be a list"),
                bad("bootstrap with bare IPv6", "server:\n  dht-bootstrap: [\"::1:4222\"]\n",
                        "server.dht-bootstrap[0]: must be host:port", "put an IPv6 address in brackets"),
                bad("bootstrap without port", "server:\n  dht-bootstrap: [seed.example.org]\n", "server.dht-bootstrap[0]: must be host:port"),
                bad("bootstrap port out of range", "server:\n  dht-bootstrap: [\"seed:99999\"]\n",
                        "server.dht-bootstrap[0]: has a port outside 1 to 65535"),
                bad("gc-interval bare integer", "server:\n  gc-interval: 3600\n",
                        "server.gc-interval: needs a unit, e.g. 30m, 1h or 12h (a bare number is ambiguous) (got 3600)"),
                bad("unknown metrics-access", "server:\n  metrics-access: everyone\n",
                        "server.metrics-access: is not a known value (got \"everyone\"; allowed: admin, public, off)"),
                bad("unknown request-log level", "server:\n  request-log: trace\n",
                        "server.request-log: is not a known value (got \"trace\"; allowed: off, debug, info)"),
                bad("gc-interval zero", "server:\n  gc-interval: 0s\n", "server.gc-interval: must be longer than zero"),
                bad("header timeout without a unit", "server:\n  request-header-timeout: 30\n",
                        "server.request-header-timeout: needs a unit"),
                bad("body timeout zero", "server:\n  request-body-timeout: 0s\n",
                        "server.request-body-timeout: must be longer than zero"),
                bad("body rate not a size", "server:\n  request-body-min-rate: fast\n", "server.request-body-min-rate:"),
                bad("max-connections zero", "server:\n  max-connections: 0\n", "server.max-connections: must be an integer"),
                bad("narinfo-cache-size negative", "server:\n  narinfo-cache-size: -1\n",
                        "server.narinfo-cache-size: must not be negative"),
                bad("bad duration unit", "server:\n  gc-interval: 12x\n",
                        "server.gc-interval: has the unknown unit \"x\"; use s, m, h, d or w (got \"12x\")"),
                bad("bad retention duration", cache("retention: 12x"), "caches[0].retention: has the unknown unit \"x\""),
                bad("retention not a duration", cache("retention: soon"), "caches[0].retention: must be a whole number of days"),
                bad("negative retention", cache("retention: -1"), "caches[0].retention: must not be negative", "(got -1)"),
                bad("negative retention duration", "server:\n  default-retention: -3d\n",
                        "server.default-retention: must not be negative"),
                bad("fractional retention", cache("retention: 1.5"), "caches[0].retention: must be a whole number of days"),
                bad("max-size with an unknown unit", cache("max-size: 200X"), "caches[0].max-size: has the unknown unit \"X\""),
                bad("max-size of zero", cache("max-size: 0"), "caches[0].max-size: must be larger than zero"),
                bad("negative default-max-size", "server:\n  default-max-size: -5G\n",
                        "server.default-max-size: must not be negative"),
                bad("data-dir with ~ but no HOME", "server:\n  data-dir: ~/x\n", "server.data-dir: starts with ~ but HOME is not set",
                        Map.of()),
                bad("no data dir can be derived", "server:\n  key: k\n", "server.data-dir: is not set", Map.of()),

                // Ports across the file
                bad("server-port equals deploy-port", "server:\n  server-port: 6000\n  deploy-port: 6000\n",
                        "server.deploy-port: port 6000 is already used by server.server-port"),
                bad("two caches on one port", "caches:\n  - {name: a, port: 9000}\n  - {name: b, port: 9000}\n",
                        "caches[1].port: port 9000 of cache \"b\" (caches[1]) is already used by cache \"a\" (caches[0])"),
                bad("two caches on the default port", "caches:\n  - {name: a}\n  - {name: b}\n",
                        "caches[1].port: port 8080 (from server.default-port) of cache \"b\" (caches[1]) is already used by cache \"a\" (caches[0])"),
                bad("cache port equals server-port", cache("port: 5000"),
                        "caches[0].port: port 5000 of cache \"main\" (caches[0]) is already used by server.server-port"),
                bad("default cache clashes with server port", "server:\n  server-port: 8080\n",
                        "caches: port 8080 (from server.default-port) of the default cache \"main\" is already used by server.server-port"),

                // Caches
                bad("empty caches list", "caches: []\n", "caches: must list at least one cache", "(got an empty list)"),
                bad("cache without name", "caches:\n  - port: 9000\n", "caches[0].name: required key is missing"),
                bad("invalid cache name", "caches:\n  - name: My Cache\n",
                        "caches[0].name: must be 1 to 64 characters: lowercase letters a-z, digits 0-9, '-' and '_', starting with a letter or digit (got \"My Cache\")"),
                bad("numeric cache name", "caches:\n  - name: 123\n", "caches[0].name: must be a string; put it in quotes"),
                bad("duplicate cache names", "caches:\n  - {name: a, port: 9000}\n  - {name: a, port: 9001}\n",
                        "caches[1].name: duplicate cache name, already used by caches[0].name", "(got \"a\")"),
                bad("empty storages list", cache("storages: []"), "caches[0].storages: needs at least one storage"),
                bad("cache on default-storage s3 without storages", "server:\n  default-storage: s3\ncaches:\n  - name: main\n",
                        "caches[0].storages: is required because server.default-storage is s3"),

                // Storages
                bad("storage without type", storage("root: /x"), "caches[0].storages[0].type: required key is missing (allowed: local, s3)"),
                bad("unknown storage type", storage("type: ftp\nroot: /x"),
                        "caches[0].storages[0].type: is not a known value (got \"ftp\"; allowed: local, s3)"),
                bad("local storage without root", storage("type: local"), "caches[0].storages[0].root: required key is missing"),
                bad("local storage with empty root", storage("type: local\nroot: \"\""), "caches[0].storages[0].root: must be a non-empty path"),
                bad("invalid storage name", cache("storages:\n  - {name: \"a/b\", type: local, root: /x}"),
                        "caches[0].storages[0].name: must be 1 to 64 characters: letters"),
                bad("duplicate storage names", cache("storages:\n  - {name: s, type: local, root: /x}\n  - {name: s, type: local, root: /y}"),
                        "caches[0].storages[1].name: duplicate storage name, already used by caches[0].storages[0].name"),
                bad("missing s3_bucket", storage("type: s3\ns3_region: eu-west-1"),
                        "caches[0].storages[0].s3_bucket: required key is missing"),
                bad("s3 access key without secret", storage("type: s3\ns3_bucket: b\ns3_access_key: AKIA"),
                        "caches[0].storages[0].s3_secret_key: is required because s3_access_key is set"),
                bad("s3 secret without access key", storage("type: s3\ns3_bucket: b\ns3_secret_key: x"),
                        "caches[0].storages[0].s3_access_key: is required because s3_secret_key is set"),
                bad("s3 key on a local storage", storage("type: local\nroot: /x\ns3_bucket: b"),
                        "caches[0].storages[0].s3_bucket: only applies to storages of type s3"),
                bad("min-free on s3", storage("type: s3\ns3_bucket: b\nmin-free: 1GB"), "caches[0].storages[0].min-free: only applies to local"),
                bad("s3_path_style quoted", storage("type: s3\ns3_bucket: b\ns3_path_style: \"true\""),
                        "caches[0].storages[0].s3_path_style: must be true or false"),
                bad("s3_endpoint not a URL", storage("type: s3\ns3_bucket: b\ns3_endpoint: minio:9000"),
                        "caches[0].storages[0].s3_endpoint: must be an absolute http"),
                bad("bad size unit", storage("type: local\nroot: /x\nmax-size: 12XB"),
                        "caches[0].storages[0].max-size: has the unknown unit \"XB\"", "(got \"12XB\")"),
                bad("size zero", storage("type: local\nroot: /x\nmax-size: 0"), "caches[0].storages[0].max-size: must be larger than zero (got 0)"),
                bad("negative size", storage("type: local\nroot: /x\nmin-free: -5GB"), "caches[0].storages[0].min-free: must not be negative"),
                bad("split not summing to 100", cache("""
                                storage-strategy: split
                                storages:
                                  - {name: a, type: local, root: /a, split: 60}
                                  - {name: b, type: local, root: /b, split: 30}"""),
                        "caches[0].storages: split percentages must add up to exactly 100, but add up to 90 (a=60, b=30)"),
                bad("float split", cache("""
                                storage-strategy: split
                                storages:
                                  - {name: a, type: local, root: /a, split: 50.5}
                                  - {name: b, type: local, root: /b, split: 49.5}"""),
                        "caches[0].storages[0].split: must be an integer from 0 to 100; fractions are not allowed (got 50.5)"),
                bad("split missing on one storage", cache("""
                                storage-strategy: split
                                storages:
                                  - {name: a, type: local, root: /a, split: 100}
                                  - {name: b, type: local, root: /b}"""),
                        "caches[0].storages[1].split: is required with storage-strategy split"),
                bad("split without the split strategy", cache("""
                                storage-strategy: in-order
                                storages:
                                  - {name: a, type: local, root: /a, split: 100}"""),
                        "caches[0].storages[0].split: is only used with storage-strategy split (this cache uses in-order)"),
                bad("split strategy with default storages", cache("storage-strategy: split"),
                        "caches[0].storages: is required with storage-strategy split"),

                // Workspaces and agents
                bad("workspace naming an unknown cache", "workspaces:\n  - {name: ws, cache: nope}\n",
                        "workspaces[0].cache: does not name a configured cache (got \"nope\"; allowed: main)"),
                bad("workspace without cache", "workspaces:\n  - {name: ws}\n", "workspaces[0].cache: required key is missing"),
                bad("duplicate workspaces", "workspaces:\n  - {name: ws, cache: main}\n  - {name: ws, cache: main}\n",
                        "workspaces[1].name: duplicate workspace name"),
                bad("agent naming an unknown workspace", "workspaces:\n  - {name: ws, cache: main}\nagents:\n  - {name: a1, workspace: prod}\n",
                        "agents[0].workspace: does not name a configured workspace (got \"prod\"; allowed: ws)"),
                bad("agent without any workspace configured", "agents:\n  - {name: a1, workspace: prod}\n",
                        "agents[0].workspace: does not name a configured workspace", "(no workspaces are configured)"),
                bad("duplicate agents", "workspaces:\n  - {name: ws, cache: main}\nagents:\n  - {name: a, workspace: ws}\n  - {name: a, workspace: ws}\n",
                        "agents[1].name: duplicate agent name"));
    }

    private static Arguments bad(String what, String yaml, String... fragments) {
        return Arguments.of(what, yaml, ENV, fragments);
    }

    private static Arguments bad(String what, String yaml, String fragment, Map<String, String> env) {
        return Arguments.of(what, yaml, env, new String[] {fragment});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsOneClearMessage(String what, String yaml, Map<String, String> env, String[] fragments) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(yaml, Optional.of(Path.of(FILE)), env));
        String message = e.getMessage();
        assertTrue(message.startsWith(FILE + ": "), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "expected «" + fragment + "» in: " + message);
        }
    }

    static Stream<Arguments> configsWithSecrets() {
        return Stream.of(
                Arguments.of("server:\n  key: 31415926535\n", "31415926535"),
                Arguments.of("server:\n  key: [topsecret-1]\n", "topsecret-1"),
                Arguments.of("server:\n  key: \"topsecret-2\n", "topsecret-2"),
                Arguments.of("server:\n  key: topsecret-3\n  key: topsecret-4\n", "topsecret-"),
                Arguments.of("server:\n  key: topsecret-5\n  server-port: x\n", "topsecret-5"),
                Arguments.of("server: {key: topsecret-6, bogus: 1}\n", "topsecret-6"),
                Arguments.of(storage("type: s3\ns3_bucket: b\ns3_secret_key: topsecret-7"), "topsecret-7"),
                Arguments.of(storage("type: s3\ns3_bucket: b\ns3_access_key: AKIASECRET8"), "AKIASECRET8"),
                Arguments.of(storage("type: s3\ns3_bucket: b\ns3_access_key: a\ns3_secret_key: [topsecret-9]"), "topsecret-9"),
                Arguments.of(storage("type: s3\ns3_bucket: b\ns3_access_key: a\ns3_secret_key: 987654321"), "987654321"),
                Arguments.of(storage("type: local\nroot: /x\ns3_secret_key: topsecret-10"), "topsecret-10"),
                Arguments.of(storage("type: s3\ns3_bucket: b\ns3_access_key: a\ns3_secret_key: topsecret-11\n"
                        + "s3_secret_key: topsecret-12"), "topsecret-1"),
                Arguments.of(cache("url: https://user:topsecret-13@x.org"), "topsecret-13"));
    }

    @ParameterizedTest
    @MethodSource("configsWithSecrets")
    void secretsNeverAppearInMessages(String yaml, String secret) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(yaml, Optional.of(Path.of(FILE)), ENV));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
}
