package dev.cacheserver.adapters.dht;

import com.sun.jna.Native;

/**
 * Loads OpenDHT's C library through JNA. A missing library (or JNA itself missing) is an expected condition on a
 * machine without the Debian package {@code libopendht-c2}: it yields a {@link Loaded} with the reason, never an
 * exception, so the server can run standalone.
 */
final class OpenDhtLibrary {
    private OpenDhtLibrary() {
    }

    /** Either the library and its version, or why it could not be loaded. */
    record Loaded(OpenDhtC library, String version, String failure) {
        boolean ok() {
            return library != null;
        }
    }

    static Loaded load(String name) {
        try {
            if (Native.SIZE_T_SIZE != 8) {
                return new Loaded(null, null, "only 64-bit platforms are supported (size_t is "
                        + Native.SIZE_T_SIZE + " bytes)");
            }
            OpenDhtC library = Native.load(name, OpenDhtC.class);
            return new Loaded(library, library.dht_version(), null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String message = String.valueOf(e.getMessage());
            int newline = message.indexOf('\n');
            // JNA's message lists every path it tried over several lines; the first names the problem.
            String first = newline < 0 ? message : message.substring(0, newline);
            return new Loaded(null, null, e.getClass().getSimpleName() + ": " + first.strip());
        }
    }
}
