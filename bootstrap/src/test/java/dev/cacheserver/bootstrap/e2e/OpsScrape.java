package dev.cacheserver.bootstrap.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed Prometheus text scrape: sample lookups by name and labels (a subset is enough to match). */
final class OpsScrape {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    final String text;
    final List<Sample> samples = new ArrayList<>();

    OpsScrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < body.length()) {
                    int eq = body.indexOf('=', i);
                    int open = eq + 1;
                    int close = open + 1;
                    while (body.charAt(close) != '"' || body.charAt(close - 1) == '\\') {
                        close++;
                    }
                    labels.put(body.substring(i, eq).strip(), body.substring(open + 1, close));
                    i = close + 1;
                    if (i < body.length() && body.charAt(i) == ',') {
                        i++;
                    }
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).replace("+Inf", "Infinity"))));
        }
    }

    /** The value of the one sample named {@code name} whose labels include {@code labels} (k, v, k, v...); 0 if none. */
    double value(String name, String... labels) {
        List<Sample> matching = find(name, labels);
        if (matching.size() > 1) {
            throw new AssertionError("several samples match " + name + " " + List.of(labels) + ": " + matching);
        }
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    boolean has(String name, String... labels) {
        return !find(name, labels).isEmpty();
    }

    List<Sample> find(String name, String... labels) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (all) {
                out.add(s);
            }
        }
        return out;
    }
}
