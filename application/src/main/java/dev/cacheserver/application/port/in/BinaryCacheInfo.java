package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.model.Compression;
import java.util.List;

/** The Cachix {@code BinaryCache} answer: every field the client requires. */
public record BinaryCacheInfo(String name, String uri, boolean isPublic, List<String> publicSigningKeys,
                              Permission permission, Compression preferredCompression) {
    public BinaryCacheInfo {
        publicSigningKeys = List.copyOf(publicSigningKeys);
    }
}
