package dev.cacheserver.domain.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cacheserver.domain.error.InvalidInputException;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
    // RFC 8032 section 7.1, test 1 (empty message).
    static final byte[] SEED = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    static final String SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    @Test
    void matchesRfc8032() {
        SecretSigningKey key = SecretSigningKey.fromSeed("rfc-1", SEED);
        assertEquals(PUBLIC, HexFormat.of().formatHex(key.publicKey().raw()));
        assertEquals(SIGNATURE, HexFormat.of().formatHex(key.sign("").signature()));
        assertTrue(key.publicKey().verifies(key.sign("msg"), "msg"));
        assertFalse(key.publicKey().verifies(key.sign("msg"), "other"));
    }

    @Test
    void readsAndWritesTheNixKeyFileFormat() {
        SecretSigningKey key = SecretSigningKey.fromSeed("test-1", SEED);
        String text = key.toNixFormat();
        assertTrue(text.startsWith("test-1:"));
        assertEquals(64, Base64.getDecoder().decode(text.substring(7)).length);
        SecretSigningKey parsed = SecretSigningKey.parse(text + "\n");
        assertEquals(key.publicKey(), parsed.publicKey());
        assertEquals("test-1:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(PUBLIC)), key.publicKey().toString());
        assertEquals(key.publicKey(), PublicSigningKey.parse(key.publicKey().toString()));
        assertFalse(key.toString().contains(text.substring(7)), "toString must not reveal the secret");
    }

    @Test
    void rejectsCorruptKeys() {
        byte[] all = Base64.getDecoder().decode(SecretSigningKey.fromSeed("k", SEED).toNixFormat().substring(2));
        all[40] ^= 1;
        String corrupt = "k:" + Base64.getEncoder().encodeToString(all);
        assertThrows(InvalidInputException.class, () -> SecretSigningKey.parse(corrupt));
        assertThrows(InvalidInputException.class, () -> SecretSigningKey.parse("no-colon"));
        assertThrows(InvalidInputException.class, () -> PublicSigningKey.parse("k:AAAA"));
    }
}
