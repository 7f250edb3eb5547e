package dev.cacheserver.bootstrap.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * One Cachix multipart upload of a synthetic path in two parts, whose steps a test may send to different
 * replicas: {@link #create} through one API, {@link #putParts} with part URLs granted by another, {@link #complete}
 * through a third.
 */
final class SplitCachixUpload {
    final String hash;
    final byte[] nar;
    final byte[] file;
    private String narId;
    private String uploadId;
    private final JsonArray eTags = new JsonArray();

    SplitCachixUpload(String hash, byte[] nar) {
        this.hash = hash;
        this.nar = nar;
        this.file = TestNars.zstd(nar);
    }

    static CachixClient client(String api) {
        CachixClient client = new CachixClient(api, Tokens.write("main"));
        client.retryBudget = java.time.Duration.ofSeconds(2);
        return client;
    }

    void create(String api) throws Exception {
        JsonObject created = client(api).createNar("main", "zst");
        narId = created.getString("narId");
        uploadId = created.getString("uploadId");
    }

    /** Both parts, at the URLs {@code api} grants (they name that replica's cache port); returns those URLs. */
    String[] putParts(String api) throws Exception {
        int cut = file.length / 2;
        byte[][] parts = {Arrays.copyOf(file, cut), Arrays.copyOfRange(file, cut, file.length)};
        String[] urls = new String[parts.length];
        CachixClient client = client(api);
        for (int n = 1; n <= parts.length; n++) {
            String md5 = CachixClient.md5(parts[n - 1], parts[n - 1].length);
            urls[n - 1] = client.uploadUrl("main", narId, uploadId, n, md5);
            eTags.add(new JsonObject().put("partNumber", n)
                    .put("eTag", client.putPart(urls[n - 1], parts[n - 1], md5).orElseThrow()));
        }
        return urls;
    }

    /** The completion through {@code api}: 200, or the status it was refused with. */
    int complete(String api) throws Exception {
        JsonObject create = new JsonObject().put("cStoreHash", hash).put("cStoreSuffix", "multipart")
                .put("cNarHash", TestNars.sha256(nar).toString()).put("cNarSize", nar.length)
                .put("cFileHash", TestNars.sha256(file).hex()).put("cFileSize", file.length)
                .put("cReferences", new JsonArray()).put("cDeriver", "unknown-deriver").putNull("cSig");
        try {
            client(api).complete("main", narId, uploadId, eTags, create);
            return 200;
        } catch (CachixClient.ClientError e) {
            return e.status;
        }
    }
}
