package dev.cacheserver.application.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamNarUrlTest {
    private static final URI ROOT = URI.create("http://cache.example:8080");
    private static final URI UNDER = URI.create("https://example.org/nix/cache");

    @Test
    void relativeUrlsOfAnyLayoutResolveBeneathTheUpstream() {
        assertEquals(URI.create("http://cache.example:8080/nar/abc.nar.xz"), UpstreamNarUrl.resolve(ROOT, "nar/abc.nar.xz"));
        assertEquals(URI.create("http://cache.example:8080/nar/0ab1.nar"), UpstreamNarUrl.resolve(ROOT, "nar/0ab1.nar"));
        assertEquals(URI.create("https://example.org/nix/cache/store/ab/cd.nar.zst"),
                UpstreamNarUrl.resolve(UNDER, "store/ab/cd.nar.zst"));
        assertEquals(URI.create("https://example.org/nix/cache/x.nar"), UpstreamNarUrl.resolve(UNDER, "./a/../x.nar"));
    }

    @Test
    void absoluteUrlsOnTheUpstreamHostAreAccepted() {
        assertEquals(URI.create("http://cache.example:8080/blobs/x.nar.xz"),
                UpstreamNarUrl.resolve(ROOT, "http://cache.example:8080/blobs/x.nar.xz"));
        assertEquals(URI.create("https://EXAMPLE.org:443/elsewhere/x.nar"),
                UpstreamNarUrl.resolve(UNDER, "https://EXAMPLE.org:443/elsewhere/x.nar"));
    }

    @Test
    void urlsLeavingTheUpstreamAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(UNDER, "../x.nar"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(UNDER, "/other/x.nar"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "http://evil.example:8080/x.nar"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "http://cache.example:9090/x.nar"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "//evil.example/x.nar"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "file:///etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "http://u@cache.example:8080/x"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "nar/ x y"));
        assertThrows(IllegalArgumentException.class, () -> UpstreamNarUrl.resolve(ROOT, "%2e%2e/%2e%2e/x.nar"));
    }
}
