package dev.cacheserver.bootstrap.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cacheserver.adapters.storage.StorageGroupNarStore;
import dev.cacheserver.adapters.storage.s3test.S3TestServer;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.narinfo.NarInfoText;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Pushes real NARs through the HTTP upload path, as Nix does, and tells where they landed. */
final class StorageTestSupport extends HttpTestSupport {
    static final String BUCKET = "nars";

    StorageTestSupport() {
        super(11);
    }

    /** A storages-list entry of type s3 on the test S3 server. */
    static String s3Storage(String name, S3TestServer s3, String extra) {
        return "      - name: " + name + "\n"
                + "        type: s3\n"
                + "        root: cache-server\n"
                + "        s3_bucket: " + BUCKET + "\n"
                + "        s3_region: us-east-1\n"
                + "        s3_access_key: " + S3TestServer.ACCESS_KEY + "\n"
                + "        s3_secret_key: " + S3TestServer.SECRET_KEY + "\n"
                + "        s3_endpoint: " + s3.endpoint() + "\n"
                + "        s3_path_style: true\n"
                + extra;
    }


    /** A NAR (zstd) and its narinfo uploaded over HTTP; both must be accepted. Returns the NAR file. */
    NarFile push(String base, String cache, int contentSize) throws Exception {
        String hash = storeHash();
        byte[] nar = TestNars.regularFile(randomBytes(contentSize));
        byte[] file = TestNars.zstd(nar);
        String info = TestNars.narInfo(hash, "pkg", nar, file, "zstd", ".nar.zst");
        NarFile narFile = NarInfoText.parse(info).narFile();
        HttpResponse<String> putNar = send("PUT", base + "/" + narFile.url(), file, Tokens.write(cache));
        assertEquals(200, putNar.statusCode(), putNar.body());
        HttpResponse<String> putInfo = send("PUT", base + "/" + hash + ".narinfo", info.getBytes(StandardCharsets.UTF_8),
                Tokens.write(cache));
        assertEquals(200, putInfo.statusCode(), putInfo.body());
        return narFile;
    }

    static StorageGroupNarStore group(TestServer server, String cache) {
        return (StorageGroupNarStore) server.cache(cache).store();
    }

    /** Storage name to the number of NARs it holds, by the server's records. */
    static Map<String, Long> filesPerStorage(TestServer server, String cache) {
        Map<String, Long> counts = new HashMap<>();
        group(server, cache).usageByStorage().forEach(u -> counts.put(u.name(), u.files()));
        return counts;
    }
}
