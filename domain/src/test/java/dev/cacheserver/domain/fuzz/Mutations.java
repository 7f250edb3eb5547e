package dev.cacheserver.domain.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Inputs for the property tests of parsers that take untrusted input: valid examples mutated byte-wise (the way
 * a fuzzer does: flip, replace, insert, delete, duplicate a slice), so most tries get past the first checks of a
 * parser and reach the deep ones, plus plain random strings. Shared with the other modules' tests (test-jar).
 */
public final class Mutations {
    /** Bytes that mean something to one of the formats: separators, alphabet edges, quotes, escapes, controls. */
    private static final byte[] INTERESTING = ":;, \n\r\t-./=_+?\"\\{}[]0189afgzetouAZ\u007f".getBytes(StandardCharsets.ISO_8859_1);

    private Mutations() {
    }

    /** {@code valid}, with 1 to 8 byte-wise mutations, decoded as UTF-8 (as the server decodes a body). */
    public static Arbitrary<String> of(String... valid) {
        return of(List.of(valid));
    }

    public static Arbitrary<String> of(List<String> valid) {
        return Arbitraries.of(valid).flatMap(v -> Arbitraries.longs().map(seed -> mutate(v, new Random(seed))));
    }

    /** Random strings over ASCII and a little beyond, up to {@code maxLength} characters. */
    public static Arbitrary<String> random(int maxLength) {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(maxLength),
                Arbitraries.strings().all().ofMaxLength(maxLength),
                Arbitraries.strings().withChars(new String(INTERESTING, StandardCharsets.ISO_8859_1)).ofMaxLength(maxLength));
    }

    /** Mutated valid inputs and random strings, about four to one. */
    public static Arbitrary<String> untrusted(int maxLength, String... valid) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, of(valid)),
                net.jqwik.api.Tuple.of(1, random(maxLength)));
    }

    static String mutate(String valid, Random random) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        int rounds = 1 + random.nextInt(8);
        for (int r = 0; r < rounds; r++) {
            bytes = mutateOnce(bytes, random);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] mutateOnce(byte[] in, Random random) {
        if (in.length == 0) {
            return new byte[] {anyByte(random)};
        }
        int at = random.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        switch (random.nextInt(6)) {
            case 0 -> { // flip one bit
                byte[] copy = in.clone();
                copy[at] ^= (byte) (1 << random.nextInt(8));
                return copy;
            }
            case 1 -> { // replace one byte
                byte[] copy = in.clone();
                copy[at] = anyByte(random);
                return copy;
            }
            case 2 -> { // insert a byte
                out.write(in, 0, at);
                out.write(anyByte(random));
                out.write(in, at, in.length - at);
            }
            case 3 -> { // delete a run
                int len = Math.min(in.length - at, 1 + random.nextInt(8));
                out.write(in, 0, at);
                out.write(in, at + len, in.length - at - len);
            }
            case 4 -> { // duplicate a slice
                int len = Math.min(in.length - at, 1 + random.nextInt(64));
                out.write(in, 0, at + len);
                out.write(in, at, in.length - at);
            }
            default -> { // truncate
                out.write(in, 0, at);
            }
        }
        return out.toByteArray();
    }

    private static byte anyByte(Random random) {
        return random.nextInt(3) == 0 ? (byte) random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
    }
}
