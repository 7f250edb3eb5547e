package dev.cacheserver.bootstrap.e2e;

import java.util.List;

/**
 * {@code cachix push} from the command line, with the spec-faithful test client, for the benchmark suite
 * (bench/run): java -cp TEST_CLASSPATH dev.cacheserver.bootstrap.e2e.CachixPushMain API_URL TOKEN CACHE PATH...
 * Pushes the paths' closure (zstd, several paths at once like cachix) and prints how many paths went and the
 * time from the first request to the last answer ({@code elapsed_ms=N}).
 */
public final class CachixPushMain {
    private CachixPushMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CachixPushMain API_URL TOKEN CACHE PATH...");
            System.exit(2);
        }
        CachixClient client = new CachixClient(args[0], args[1]);
        // Timed from the first request: the JVM's start is this test client's cost, not a cachix user's.
        long start = System.nanoTime();
        int pushed = client.push(args[2], List.of(args).subList(3, args.length), "zstd", null).size();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("pushed " + pushed + " paths in " + elapsedMs + " ms");
        System.out.println("elapsed_ms=" + elapsedMs);
    }
}
