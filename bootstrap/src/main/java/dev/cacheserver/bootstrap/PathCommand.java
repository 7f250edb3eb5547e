package dev.cacheserver.bootstrap;

import dev.cacheserver.bootstrap.config.AppConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code path list|info|delete --cache NAME ...}: path administration through the running server's admin API (so
 * that a deletion also leaves the server's in-memory narinfo cache and the DHT). Exit codes: 0 done, 1 refused or
 * failed (unknown cache or path, referenced path, no server), 2 usage.
 */
final class PathCommand {
    static final String USAGE = """
            usage: cache-server [--config FILE] path list --cache NAME [--filter TEXT]
                   cache-server [--config FILE] path info --cache NAME HASH-OR-PATH
                   cache-server [--config FILE] path delete --cache NAME HASH-OR-PATH [--force]
            list: every store path of the cache, one a line (those containing TEXT with --filter).
            info: the path's narinfo, last access, the paths that reference it and the pins that name it.
            delete: removes the narinfo at once and the NAR when no other path uses it, and withdraws the
            path from the cluster; refused (exit 1, referrers named) while another path references it or a
            pin names it, unless --force. The server must be running.
            """;
    private static final int PAGE = 1000;

    private PathCommand() {
    }

    static int run(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            return usage(err, "path needs a subcommand: list, info or delete");
        }
        if (args.get(0).equals("--help") || args.get(0).equals("-h")) {
            out.print(USAGE);
            return 0;
        }
        String sub = args.get(0);
        String cache = null;
        String filter = "";
        boolean force = false;
        List<String> operands = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--cache", "--filter" -> {
                    if (i + 1 >= args.size()) {
                        return usage(err, "path " + sub + ": " + arg + " needs a value");
                    }
                    if (arg.equals("--cache")) {
                        cache = args.get(++i);
                    } else {
                        filter = args.get(++i);
                    }
                }
                case "--force" -> force = true;
                default -> {
                    if (arg.startsWith("--")) {
                        return usage(err, "path " + sub + ": unknown option " + arg);
                    }
                    operands.add(arg);
                }
            }
        }
        if (!List.of("list", "info", "delete").contains(sub)) {
            return usage(err, "unknown path subcommand '" + sub + "' (list, info or delete)");
        }
        if (cache == null) {
            return usage(err, "path " + sub + " needs --cache NAME");
        }
        boolean listing = sub.equals("list");
        if (listing ? !operands.isEmpty() : operands.size() != 1) {
            return usage(err, listing ? "path list takes no operands, got " + operands
                    : "path " + sub + " needs exactly one HASH-OR-PATH");
        }
        if (!filter.isEmpty() && !listing || force && !sub.equals("delete")) {
            return usage(err, "path " + sub + ": " + (force ? "--force is for delete" : "--filter is for list"));
        }
        AppConfig config = Main.load(configFile);
        String prefix = "/api/v1/admin/caches/" + encode(cache) + "/paths";
        try {
            AdminApi api = new AdminApi(config);
            return switch (sub) {
                case "list" -> list(api, prefix, filter, out, err);
                case "info" -> info(api.get(prefix + "/" + encode(operands.get(0))), out, err);
                default -> deleted(api.delete(prefix + "/" + encode(operands.get(0)) + (force ? "?force=true" : "")),
                        out, err);
            };
        } catch (AdminApi.ServerDown e) {
            err.println("cache-server: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cache-server: path " + sub + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** Page by page: the server and this command each hold one page, whatever the size of the cache. */
    private static int list(AdminApi api, String prefix, String filter, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        String after = "";
        while (true) {
            AdminApi.Answer answer = api.get(prefix + "?limit=" + PAGE + "&filter=" + encode(filter)
                    + "&after=" + after);
            if (answer.status() != 200) {
                return failed(answer, err);
            }
            JsonObject page = new JsonObject(answer.body());
            page.getJsonArray("paths").forEach(out::println);
            String next = page.getString("next");
            if (next == null) {
                out.flush();
                return 0;
            }
            after = encode(next);
        }
    }

    private static int info(AdminApi.Answer answer, PrintStream out, PrintStream err) {
        if (answer.status() != 200) {
            return failed(answer, err);
        }
        JsonObject info = new JsonObject(answer.body());
        out.println("StorePath: " + info.getString("storePath"));
        for (String key : List.of("url", "compression", "fileHash", "fileSize", "narHash", "narSize", "deriver",
                "system", "ca", "lastAccess")) {
            Object value = info.getValue(key);
            if (value != null) {
                out.println(Character.toUpperCase(key.charAt(0)) + key.substring(1) + ": " + value);
            }
        }
        lines(out, "References", info.getJsonArray("references"));
        lines(out, "Signatures", info.getJsonArray("signatures"));
        lines(out, "Referrers", info.getJsonArray("referrers"));
        if (info.getBoolean("moreReferrers", false)) {
            out.println("  (and more)");
        }
        JsonArray pins = info.getJsonArray("pins");
        out.println("Pins:" + (pins.isEmpty() ? " none" : ""));
        for (int i = 0; i < pins.size(); i++) {
            JsonObject pin = pins.getJsonObject(i);
            String keep = pin.getString("keep");
            out.println("  " + pin.getString("name") + " (created " + pin.getString("createdAt") + ", keep "
                    + (keep.equals("days") || keep.equals("revisions") ? pin.getLong("amount") + " " + keep : keep)
                    + ")");
        }
        return 0;
    }

    private static int deleted(AdminApi.Answer answer, PrintStream out, PrintStream err) {
        if (answer.status() != 200) {
            return failed(answer, err);
        }
        JsonObject deleted = new JsonObject(answer.body());
        out.println("deleted " + deleted.getString("deleted")
                + (deleted.getBoolean("narDeleted") ? " and its NAR" : " (its NAR stays: another path uses it)"));
        JsonArray referrers = deleted.getJsonArray("referrers");
        if (!referrers.isEmpty()) {
            err.println("cache-server: warning: these paths still reference it and can no longer be substituted"
                    + " whole: " + String.join(", ", referrers.stream().map(String::valueOf).toList()));
        }
        return 0;
    }

    private static void lines(PrintStream out, String title, JsonArray values) {
        out.println(title + ":" + (values.isEmpty() ? " none" : ""));
        values.forEach(v -> out.println("  " + v));
    }

    private static int failed(AdminApi.Answer answer, PrintStream err) {
        String message;
        try {
            message = new JsonObject(answer.body()).getString("error", answer.body());
        } catch (DecodeException e) {
            message = "HTTP " + answer.status() + " " + answer.body();
        }
        err.println("cache-server: " + message);
        return 1;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("cache-server: " + problem);
        err.print(USAGE);
        return 2;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
