package dev.cacheserver.domain.port;

import java.net.URI;
import java.nio.file.Path;

/** Where a stored NAR can be read from: a local file (served zero-copy) or a URL to redirect the client to. */
public sealed interface NarLocation {
    long size();

    record LocalFile(Path path, long size) implements NarLocation {
    }

    record Redirect(URI uri, long size) implements NarLocation {
    }
}
