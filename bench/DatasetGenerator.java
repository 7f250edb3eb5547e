import com.github.luben.zstd.ZstdOutputStream;
import dev.cacheserver.domain.model.NixHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Builds the benchmark dataset through cache-server's real upload path (PUT nar, PUT narinfo, as nix copy
 * does): store paths with references, NAR sizes from a few KiB to ~100 MiB (log-uniform), NAR-like content
 * (text and random bytes), stored zstd-compressed and signed by the server. Then writes the same signed
 * narinfos and hard links to the same NAR files into an nginx document root, so both serve identical bytes.
 *
 * usage: java -cp cache-server.jar DatasetGenerator.java URL TOKEN TOTAL_MIB STORAGE_DIR NGINX_ROOT OUT_LIST
 */
public class DatasetGenerator {
    static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        long total = Long.parseLong(args[2]) << 20;
        Path storage = Path.of(args[3]);
        Path nginxRoot = Path.of(args[4]);
        Path list = Path.of(args[5]);
        Random random = new Random(1541);
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString((":" + token).getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(nginxRoot.resolve("nar"));
        Files.writeString(nginxRoot.resolve("nix-cache-info"), "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n");
        List<String> paths = new ArrayList<>();
        List<String> narUrls = new ArrayList<>();
        long bytes = 0;
        Path tmp = Files.createTempFile("bench-nar", ".zst");
        while (bytes < total) {
            long size = (long) Math.exp(Math.log(4096) + random.nextDouble() * (Math.log(100L << 20) - Math.log(4096)));
            size = Math.min(size, total - bytes + 4096);
            String hash = randomHash(random);
            String name = hash + "-bench-" + paths.size();
            MessageDigest narSha = MessageDigest.getInstance("SHA-256");
            MessageDigest fileSha = MessageDigest.getInstance("SHA-256");
            long narSize;
            try (OutputStream file = Files.newOutputStream(tmp);
                 DigestOutputStream fileDigest = new DigestOutputStream(file, fileSha);
                 ZstdOutputStream zstd = new ZstdOutputStream(fileDigest, 3);
                 CountingDigestStream nar = new CountingDigestStream(zstd, narSha)) {
                writeNar(nar, size, random);
                narSize = nar.count;
            }
            NixHash fileHash = new NixHash(fileSha.digest());
            NixHash narHash = new NixHash(narSha.digest());
            long fileSize = Files.size(tmp);
            String narUrl = "nar/" + fileHash.nix32() + ".nar.zst";
            List<String> refs = new ArrayList<>();
            for (int r = 0; r < Math.min(paths.size(), random.nextInt(6)); r++) {
                refs.add(paths.get(random.nextInt(paths.size())));
            }
            refs = refs.stream().distinct().sorted().toList();
            String narInfo = "StorePath: /nix/store/" + name + "\nURL: " + narUrl + "\nCompression: zstd\nFileHash: "
                    + fileHash + "\nFileSize: " + fileSize + "\nNarHash: " + narHash + "\nNarSize: " + narSize
                    + "\nReferences: " + String.join(" ", refs) + "\n";
            put(http, url + "/" + narUrl, auth, HttpRequest.BodyPublishers.ofFile(tmp));
            put(http, url + "/" + hash + ".narinfo", auth, HttpRequest.BodyPublishers.ofString(narInfo));
            String signed = http.send(HttpRequest.newBuilder(URI.create(url + "/" + hash + ".narinfo")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Files.writeString(nginxRoot.resolve(hash + ".narinfo"), signed);
            Path stored = storage.resolve(fileHash.nix32() + ".nar.zst");
            Files.deleteIfExists(nginxRoot.resolve(narUrl));
            Files.createLink(nginxRoot.resolve(narUrl), stored);
            paths.add(name);
            narUrls.add(narUrl + " " + fileSize);
            bytes += fileSize;
        }
        Files.deleteIfExists(tmp);
        List<String> lines = new ArrayList<>();
        for (String p : paths) {
            lines.add("narinfo /" + p.substring(0, 32) + ".narinfo");
        }
        for (String n : narUrls) {
            lines.add("nar /" + n);
        }
        Files.write(list, lines);
        System.out.printf("dataset: %d paths, %.0f MiB of zstd NARs%n", paths.size(), bytes / 1048576.0);
    }

    static void put(HttpClient http, String url, String auth, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .PUT(body).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("PUT " + url + " -> " + r.statusCode() + ": " + r.body());
        }
    }

    static String randomHash(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }

    /** A NAR with one regular file of about {@code size} bytes: 70% text-like, 30% random, like real closures. */
    static void writeNar(OutputStream out, long size, Random random) throws IOException {
        for (String s : new String[] {"nix-archive-1", "(", "type", "regular", "contents"}) {
            str(out, s.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(le(size));
        byte[] text = "the quick brown fox jumps over the lazy dog; /nix/store/ lib bin share doc\n".repeat(900)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[65536];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            if (random.nextInt(10) < 3) {
                random.nextBytes(chunk);
                out.write(chunk, 0, n);
            } else {
                out.write(text, random.nextInt(1000), n);
            }
            left -= n;
        }
        out.write(new byte[(int) ((8 - size % 8) % 8)]);
        str(out, ")".getBytes(StandardCharsets.US_ASCII));
    }

    static void str(OutputStream out, byte[] b) throws IOException {
        out.write(le(b.length));
        out.write(b);
        out.write(new byte[(8 - b.length % 8) % 8]);
    }

    static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static final class CountingDigestStream extends OutputStream {
        final OutputStream out;
        final MessageDigest digest;
        long count;

        CountingDigestStream(OutputStream out, MessageDigest digest) {
            this.out = out;
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count += len;
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
