package dev.cacheserver.application.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an upstream keeps the NAR its narinfo's {@code URL:} names, whatever its layout: a relative URL resolved
 * against the upstream's URL (as Nix does), or an absolute http(s) URL. Either must stay on the upstream: the same
 * scheme, host and port, and a relative one under the upstream's path. A narinfo is signed without its URL, so a URL
 * leading elsewhere (another host, {@code ../} out of the upstream) would let anyone who can edit a narinfo make
 * this server fetch from anywhere; it is refused.
 */
final class UpstreamNarUrl {
    private UpstreamNarUrl() {
    }

    /** The NAR's URL, or IllegalArgumentException saying why {@code url} is refused. */
    static URI resolve(URI upstream, String url) {
        URI written;
        try {
            written = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("its URL is not a valid URL: " + shorten(url));
        }
        URI base = directory(upstream);
        URI resolved = base.resolve(written).normalize();
        if (!sameOrigin(base, resolved)) {
            throw new IllegalArgumentException("its URL " + shorten(url) + " leads to another host than the upstream");
        }
        String path = Objects.requireNonNullElse(resolved.getRawPath(), "");
        if (escapes(path) || escapes(Objects.requireNonNullElse(resolved.getPath(), ""))) {
            throw new IllegalArgumentException("its URL " + shorten(url) + " leaves the upstream");
        }
        if (!written.isAbsolute() && !path.startsWith(base.getRawPath())) {
            throw new IllegalArgumentException("its URL " + shorten(url) + " leaves the upstream's path "
                    + base.getRawPath());
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException("its URL " + shorten(url) + " names no file");
        }
        return resolved;
    }

    /** A {@code ..} segment left after normalizing (also percent-encoded, which servers decode). */
    private static boolean escapes(String path) {
        return path.contains("/../") || path.endsWith("/..") || path.startsWith("..");
    }

    /** The upstream's URL as a directory, so that {@code nar/x} resolves beneath it, not beside it. */
    private static URI directory(URI upstream) {
        String text = upstream.toString();
        return URI.create(text.endsWith("/") ? text : text + "/");
    }

    private static boolean sameOrigin(URI base, URI other) {
        return other.getScheme() != null && base.getScheme().equalsIgnoreCase(other.getScheme())
                && other.getRawUserInfo() == null
                && base.getHost() != null && other.getHost() != null
                && base.getHost().toLowerCase(Locale.ROOT).equals(other.getHost().toLowerCase(Locale.ROOT))
                && port(base) == port(other);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
