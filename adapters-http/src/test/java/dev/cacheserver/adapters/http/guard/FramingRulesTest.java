package dev.cacheserver.adapters.http.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which request heads the guard refuses, and with which status. */
class FramingRulesTest {
    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 | /nix-cache-info | Host: x                                      | 0",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: chunked           | 0",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: CHUNKED           | 0",
        "HTTP/1.1 | /x              | Host: x; Content-Length: 5                    | 0",
        "HTTP/1.0 | /x              | ''                                            | 0",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: xchunked          | 501",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: chunked, identity | 501",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: chunked; Transfer-Encoding: chunked | 501",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: gzip              | 501",
        "HTTP/1.1 | /x              | Host: x; Transfer-Encoding: xchunked; Content-Length: 6 | 400",
        "HTTP/1.0 | /x              | Transfer-Encoding: chunked                    | 400",
        "HTTP/1.1 | /x              | Host: x; Content-Length: 1; Content-Length: 2 | 400",
        "HTTP/1.1 | /x              | ''                                            | 400",
        "HTTP/1.1 | /x              | Host: a; Host: b                              | 400",
        "HTTP/2.0 | /x              | Host: x                                       | 505",
        "HTTP/1.2 | /x              | Host: x                                       | 505",
    })
    void refusesUntrustworthyFraming(String version, String target, String headers, int status) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.valueOf(version), HttpMethod.POST, target);
        for (String header : headers.split(";")) {
            if (!header.isBlank()) {
                String[] parts = header.split(":", 2);
                request.headers().add(parts[0].strip(), parts[1].strip());
            }
        }
        FramingViolation violation = FramingRules.check(request);
        if (status == 0) {
            assertNull(violation, () -> "refused: " + violation.getMessage());
        } else {
            assertNotNull(violation);
            assertEquals(status, violation.status(), violation.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"/nix\u0001cache-info", "/a\u007fb", "/caf\u00e9"})
    void refusesControlCharactersInTheTarget(String target) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        request.headers().add("Host", "x");
        assertEquals(400, FramingRules.check(request).status());
    }
}
