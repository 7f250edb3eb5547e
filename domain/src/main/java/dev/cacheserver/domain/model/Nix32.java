package dev.cacheserver.domain.model;

import java.util.Arrays;

/**
 * Nix's base-32 encoding (alphabet without e, o, t, u; least significant bits first). A SHA-256 digest
 * encodes to 52 characters: {@code sha256("") = 0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73}.
 */
public final class Nix32 {
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
    private static final int[] VALUE = new int[128];

    static {
        Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUE[ALPHABET.charAt(i)] = i;
        }
    }

    private Nix32() {
    }

    public static int encodedLength(int bytes) {
        return (bytes * 8 - 1) / 5 + 1;
    }

    public static String encode(byte[] hash) {
        int len = encodedLength(hash.length);
        StringBuilder out = new StringBuilder(len);
        for (int n = len - 1; n >= 0; n--) {
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            int c = (hash[i] & 0xff) >>> j;
            if (i + 1 < hash.length) {
                c |= (hash[i + 1] & 0xff) << (8 - j);
            }
            out.append(ALPHABET.charAt(c & 31));
        }
        return out.toString();
    }

    /** Decodes {@code text} into {@code bytes} bytes; throws IllegalArgumentException on any invalid input. */
    public static byte[] decode(String text, int bytes) {
        if (text.length() != encodedLength(bytes)) {
            throw new IllegalArgumentException("expected " + encodedLength(bytes) + " nix32 characters, got " + text.length());
        }
        byte[] out = new byte[bytes];
        int len = text.length();
        for (int n = 0; n < len; n++) {
            char ch = text.charAt(len - n - 1);
            int digit = ch < 128 ? VALUE[ch] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("invalid nix32 character '" + ch + "'");
            }
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >>> (8 - j);
            if (i + 1 < bytes) {
                out[i + 1] |= (byte) carry;
            } else if (carry != 0) {
                throw new IllegalArgumentException("nix32 value out of range");
            }
        }
        return out;
    }

    public static boolean isNix32(String text) {
        for (int k = 0; k < text.length(); k++) {
            char ch = text.charAt(k);
            if (ch >= 128 || VALUE[ch] < 0) {
                return false;
            }
        }
        return true;
    }
}
