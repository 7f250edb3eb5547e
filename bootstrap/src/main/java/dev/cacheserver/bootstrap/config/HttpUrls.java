package dev.cacheserver.bootstrap.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks public and endpoint URLs: absolute {@code http} or {@code https} with a host, no user info, query or
 * fragment (they would be silently dropped or leak credentials); trailing slashes are removed so callers can
 * append {@code /path}.
 */
final class HttpUrls {
    static final String FORMAT = "an absolute http:// or https:// URL without ?query or #fragment";

    private HttpUrls() {
    }

    static URI parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be " + FORMAT + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must be " + FORMAT + "; the scheme is missing or not http/https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("must be " + FORMAT + "; the host name is missing");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not contain user:password@; configure credentials separately");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must be " + FORMAT);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        try {
            return new URI(scheme + "://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be " + FORMAT + ": " + e.getReason());
        }
    }
}
