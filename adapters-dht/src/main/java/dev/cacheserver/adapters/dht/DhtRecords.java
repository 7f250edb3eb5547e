package dev.cacheserver.adapters.dht;

import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.port.PeerDirectory.Provider;
import dev.cacheserver.domain.signing.PublicSigningKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * What this adapter stores in the DHT. Key: SHA-1 of {@code cache-server/1 store-path <hash>}. Value: the UTF-8
 * lines {@code cache-server/1}, public URL, cache name, public key; nothing else, in particular no token. Values
 * from the network are untrusted input: anything malformed or oversized is ignored.
 */
final class DhtRecords {
    static final int MAX_VALUE_BYTES = 4096;
    private static final String MAGIC = "cache-server/1";

    private DhtRecords() {
    }

    static byte[] key(StorePathHash hash) {
        try {
            return MessageDigest.getInstance("SHA-1")
                    .digest((MAGIC + " store-path " + hash.value()).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encode(Provider provider) {
        return (MAGIC + "\n" + provider.url() + "\n" + provider.cache().value() + "\n" + provider.publicKey() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Optional<Provider> decode(byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            return Optional.empty();
        }
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 4 || !lines[0].equals(MAGIC)) {
            return Optional.empty();
        }
        try {
            URI url = new URI(lines[1]);
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(new Provider(url, new CacheName(lines[2]), PublicSigningKey.parse(lines[3])));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
