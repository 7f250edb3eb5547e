package dev.cacheserver.adapters.http.ops;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The outcome of a readiness check: one entry per dependency (the database, each storage). Reasons are meant
 * for the public {@code /ready} answer: they name the dependency and the problem, not paths or credentials.
 */
public record ReadinessReport(List<Check> checks) {
    public ReadinessReport {
        checks = List.copyOf(checks);
    }

    /** One dependency; {@code reason} is empty when it is ready. */
    public record Check(String name, boolean ready, String reason) {
        public static Check ok(String name) {
            return new Check(name, true, "");
        }

        public static Check down(String name, String reason) {
            return new Check(name, false, reason);
        }
    }

    public boolean ready() {
        return checks.stream().allMatch(Check::ready);
    }

    /** {@code {"status":"UP"|"DOWN","checks":{"database":{"status":"UP"},"storage main/a":{"status":"DOWN","reason":...}}}}. */
    JsonObject json() {
        JsonObject all = new JsonObject();
        for (Check check : checks) {
            JsonObject one = new JsonObject().put("status", check.ready() ? "UP" : "DOWN");
            if (!check.ready()) {
                one.put("reason", check.reason());
            }
            all.put(check.name(), one);
        }
        return new JsonObject().put("status", ready() ? "UP" : "DOWN").put("checks", all);
    }
}
