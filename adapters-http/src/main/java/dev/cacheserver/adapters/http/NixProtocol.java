package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.GetCacheInfo;
import dev.cacheserver.application.port.in.LookUpNarInfo;
import dev.cacheserver.application.port.in.PublishNarInfo;
import dev.cacheserver.application.port.in.ReadNar;
import java.util.Objects;

/**
 * The inbound ports behind the core of the Nix binary-cache protocol of one cache: narinfo lookups and uploads, NAR
 * reads and {@code nix-cache-info}. NAR uploads go to the ingest port of the endpoint, which authorizes them before
 * their body is read.
 */
public record NixProtocol(LookUpNarInfo narInfos, PublishNarInfo publisher, ReadNar nars, GetCacheInfo cacheInfo) {
    public NixProtocol {
        Objects.requireNonNull(narInfos, "narInfos");
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(nars, "nars");
        Objects.requireNonNull(cacheInfo, "cacheInfo");
    }
}
