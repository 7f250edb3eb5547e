package dev.cacheserver.bootstrap.e2e;

import java.util.List;

/**
 * {@code cachix push} from the command line, with the spec-faithful test client, for the benchmark suite
 * (bench/run): java -cp TEST_CLASSPATH dev.cacheserver.bootstrap.e2e.CachixPushMain API_URL TOKEN CACHE PATH...
 * Pushes each path's closure (zstd) and prints how many paths went.
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
        int pushed = client.push(args[2], List.of(args).subList(3, args.length), "zstd", null).size();
        System.out.println("pushed " + pushed + " paths");
    }
}
