package dev.cacheserver.bootstrap.config;

/**
 * Builds the one-line text of every {@link ConfigException}:
 * {@code <file>: <key path>: <problem> (got <value>; allowed: <...>)}, where the path, "got" and "allowed" parts
 * are left out when they do not apply. Values are rendered by the caller, so secrets never reach this class.
 */
final class ConfigMessages {
    /** What a secret value is shown as. */
    static final String HIDDEN = "<hidden>";
    /** How the root of the document is named in a key path. */
    static final String TOP_LEVEL = "(top level)";

    private static final int MAX_VALUE_LENGTH = 80;

    private ConfigMessages() {
    }

    static ConfigException error(String file, String path, String problem, String got, String allowed) {
        StringBuilder text = new StringBuilder(file).append(": ");
        if (path != null) {
            text.append(path.isEmpty() ? TOP_LEVEL : path).append(": ");
        }
        text.append(problem);
        if (got != null || allowed != null) {
            text.append(" (");
            if (got != null) {
                text.append("got ").append(got);
            }
            if (got != null && allowed != null) {
                text.append("; ");
            }
            if (allowed != null) {
                text.append("allowed: ").append(allowed);
            }
            text.append(')');
        }
        return new ConfigException(text.toString());
    }

    /** A string value in double quotes, escaped and shortened so the message stays on one readable line. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length() && out.length() <= MAX_VALUE_LENGTH; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        if (out.length() > MAX_VALUE_LENGTH) {
            out.setLength(MAX_VALUE_LENGTH);
            out.append('…');
        }
        return out.append('"').toString();
    }

    /** A plain (unquoted) scalar, shortened like {@link #quote}. */
    static String plain(String value) {
        return value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) + "…" : value;
    }
}
