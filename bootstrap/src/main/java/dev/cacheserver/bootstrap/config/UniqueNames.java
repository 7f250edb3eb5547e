package dev.cacheserver.bootstrap.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Collects the names of one kind of entry (caches, storages of a cache, ...) and rejects a second use of a name. */
final class UniqueNames {
    private final String what;
    private final Map<String, String> firstPath = new LinkedHashMap<>();

    UniqueNames(String what) {
        this.what = what;
    }

    /** Records {@code name} read from {@code at}; a name seen before is an error naming both places. */
    String add(String name, YamlNode at) {
        String previous = firstPath.putIfAbsent(name, at.path());
        if (previous != null) {
            throw at.fail("duplicate " + what + " name, already used by " + previous + "; names must be unique");
        }
        return name;
    }
}
