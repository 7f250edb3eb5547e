package dev.cacheserver.bootstrap.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code host:port} DHT bootstrap addresses; IPv6 hosts go in brackets ({@code [::1]:4222}) and are
 * returned without them, ready for a resolver.
 */
final class HostPorts {
    static final String FORMAT = "host:port, e.g. dht.example.org:4222, 192.0.2.7:4222 or [2001:db8::7]:4222";

    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.%a-zA-Z]*:[0-9A-Fa-f:.%a-zA-Z]*)]:(\\d{1,5})");
    private static final Pattern PLAIN = Pattern.compile("([^\\s:\\[\\]/]+):(\\d{1,5})");

    private HostPorts() {
    }

    static ServerSettings.HostPort parse(String text) {
        String trimmed = text.strip();
        Matcher m = BRACKETED.matcher(trimmed);
        if (!m.matches()) {
            m = PLAIN.matcher(trimmed);
            if (!m.matches()) {
                String hint = trimmed.chars().filter(c -> c == ':').count() > 1 ? "; put an IPv6 address in brackets" : "";
                throw new IllegalArgumentException("must be " + FORMAT + hint);
            }
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("has a port outside 1 to 65535");
        }
        return new ServerSettings.HostPort(m.group(1), port);
    }
}
