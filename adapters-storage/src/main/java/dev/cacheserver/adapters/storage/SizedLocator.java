package dev.cacheserver.adapters.storage;

import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.port.NarLocation;

/** A NAR store that can name a location without asking its backend, when the size is already known. */
interface SizedLocator {
    NarLocation locationOf(NarFile file, long size);
}
