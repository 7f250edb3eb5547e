package dev.cacheserver.bootstrap.e2e;

import com.github.luben.zstd.ZstdOutputStream;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.signing.SecretSigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * A Cachix client that does what {@code cachix push} 1.11.1 does on the wire (specs/cachix-api.md), since no
 * cachix binary can be installed here: {@code Authorization: Bearer <token>} on every API call (an empty token
 * as {@code "Bearer "}), {@code User-Agent: cachix 1.11.1} on everything, JSON bodies as
 * {@code application/json;charset=utf-8}, only status 200 counts as success and JSON answers must say
 * {@code application/json}; 429/5xx and connection errors are retried honouring Retry-After. A NAR is
 * streamed from {@code nix-store --dump}, hashed, compressed (zstd level 2 or xz preset 2) and cut into
 * 32 MiB parts (the last may be empty), at most 4 in flight, each PUT with Content-MD5 and no Authorization;
 * the ETags are echoed in {@code complete}, or {@code parts: null} when one is missing.
 */
final class CachixClient {
    static final String USER_AGENT = "cachix 1.11.1";
    static final String JSON_BODY = "application/json;charset=utf-8";
    static final String JSON_ACCEPT = "application/json;charset=utf-8,application/json";
    static final int CHUNK_SIZE = 32 * 1024 * 1024;
    static final int IN_FLIGHT = 4;

    final String host;
    final String token;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Total retry time budget per call, as cachix's 90 s cumulative backoff (shorter here). */
    Duration retryBudget = Duration.ofSeconds(30);
    /** Extra whole-path attempts after a failure (cachix: 3). */
    int pathRetries = 0;
    /** Paths pushed at once (cachix push -j, default 8). */
    int jobs = 8;
    /** Set to drop the ETag of a part (as a proxy stripping it would), to send {@code parts: null}. */
    boolean forgetETags;

    CachixClient(String host, String token) {
        this.host = host.replaceAll("/+$", "");
        this.token = token == null ? "" : token;
    }

    /** A non-200 answer: what servant-client turns into a ClientError. */
    static final class ClientError extends RuntimeException {
        final int status;
        final String body;

        ClientError(int status, String body) {
            super("HTTP " + status + ": " + body);
            this.status = status;
            this.body = body;
        }
    }

    // ---- REST calls -----------------------------------------------------------------------------------------

    JsonObject getCache(String cache) throws Exception {
        return new JsonObject(jsonCall("GET", "/api/v1/cache/" + cache, null));
    }

    List<String> missing(String cache, List<String> hashes) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hashes.size(); i += 32768) {
            JsonArray batch = new JsonArray(new ArrayList<>(hashes.subList(i, Math.min(hashes.size(), i + 32768))));
            new JsonArray(jsonCall("POST", "/api/v1/cache/" + cache + "/narinfo", batch.encode()))
                    .forEach(h -> out.add((String) h));
        }
        return out;
    }

    JsonObject createNar(String cache, String compression) throws Exception {
        return new JsonObject(jsonCall("POST", "/api/v1/cache/" + cache + "/multipart-nar?compression=" + compression, ""));
    }

    String uploadUrl(String cache, String narId, String uploadId, int part, String contentMd5) throws Exception {
        return new JsonObject(jsonCall("POST", "/api/v1/cache/" + cache + "/multipart-nar/" + narId + "?uploadId="
                + enc(uploadId) + "&partNumber=" + part, new JsonObject().put("contentMD5", contentMd5).encode()))
                .getString("uploadUrl");
    }

    /** The PUT to an upload URL; returns the ETag header verbatim, if any. */
    Optional<String> putPart(String url, byte[] bytes, String contentMd5) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/octet-stream")
                .header("Content-MD5", contentMd5)
                .header("User-Agent", USER_AGENT)
                .timeout(Duration.ofMinutes(5)).build();
        HttpResponse<String> response = withRetries(request);
        if (response.statusCode() / 100 != 2) {
            throw new ClientError(response.statusCode(), response.body());
        }
        return response.headers().firstValue("etag");
    }

    void complete(String cache, String narId, String uploadId, JsonArray parts, JsonObject narInfoCreate) throws Exception {
        noContentCall("POST", "/api/v1/cache/" + cache + "/multipart-nar/" + narId + "/complete?uploadId=" + enc(uploadId),
                new JsonObject().put("parts", parts).put("narInfoCreate", narInfoCreate).encode());
    }

    void abort(String cache, String narId, String uploadId) throws Exception {
        noContentCall("POST", "/api/v1/cache/" + cache + "/multipart-nar/" + narId + "/abort?uploadId=" + enc(uploadId), "");
    }

    /** {@code cachix generate-keypair}: registers the public half; returns the CACHIX_SIGNING_KEY value. */
    String generateKeypair(String cache) throws Exception {
        SecretSigningKey key = SecretSigningKey.generate("client-side");
        String secret = key.toNixFormat().substring(key.toNixFormat().indexOf(':') + 1);
        noContentCall("POST", "/api/v1/cache/" + cache + "/key", new JsonObject()
                .put("publicKey", Base64.getEncoder().encodeToString(key.publicKey().raw())).encode());
        return secret;
    }

    void pin(String cache, String name, String storePath, JsonObject keep) throws Exception {
        noContentCall("POST", "/api/v1/cache/" + cache + "/pin", new JsonObject().put("name", name)
                .put("storePath", storePath).put("artifacts", new JsonArray()).put("keep", keep).encode());
    }

    String jsonCall(String method, String path, String body) throws Exception {
        HttpResponse<String> response = withRetries(api(method, path, body, true));
        if (response.statusCode() != 200) {
            throw new ClientError(response.statusCode(), response.body());
        }
        String type = response.headers().firstValue("content-type").orElse("application/octet-stream");
        if (!type.startsWith("application/json")) {
            throw new IllegalStateException("UnsupportedContentType " + type + " from " + path);
        }
        return response.body();
    }

    void noContentCall(String method, String path, String body) throws Exception {
        HttpResponse<String> response = withRetries(api(method, path, body, false));
        if (response.statusCode() != 200) {
            throw new ClientError(response.statusCode(), response.body());
        }
    }

    private HttpRequest api(String method, String path, String body, boolean acceptJson) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host + path))
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", USER_AGENT)
                .timeout(Duration.ofMinutes(10));
        if (acceptJson) {
            b.header("Accept", JSON_ACCEPT);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else if (body.isEmpty()) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", JSON_BODY).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return b.build();
    }

    /** retryClientM/retryHttp: 429 and 5xx and connection errors, jittered backoff, Retry-After honoured. */
    private HttpResponse<String> withRetries(HttpRequest request) throws Exception {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        long delayMillis = 200;
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if ((status == 429 || status >= 500) && System.nanoTime() < deadline) {
                    long wait = response.headers().firstValue("retry-after").map(v -> Long.parseLong(v.strip()) * 1000)
                            .orElse(delayMillis);
                    Thread.sleep(Math.min(wait, 15_000));
                    delayMillis = Math.min(delayMillis * 2, 15_000);
                    continue;
                }
                return response;
            } catch (IOException e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
                Thread.sleep(delayMillis);
                delayMillis = Math.min(delayMillis * 2, 15_000);
            }
        }
    }

    // ---- push ---------------------------------------------------------------------------------------------------

    /** What {@code cachix push CACHE PATH} sends for one store path, computed from the local Nix store. */
    record PathInfo(String storePath, List<String> references, String deriver) {
        String hash() {
            return storePath.substring(11, 43);
        }

        String suffix() {
            return storePath.substring(44);
        }
    }

    /**
     * {@code cachix push}: GET the cache (unless a signing key is given, like cachix), ask which paths of the
     * closure are missing, upload each. {@code compression} null: the cache's preference (zstd with a key).
     * Returns the pushed store paths.
     */
    List<String> push(String cache, String storePath, String compression, String signingKey) throws Exception {
        return push(cache, List.of(storePath), compression, signingKey);
    }

    /** {@code cachix push CACHE PATH...}: the union of the closures, as one push. */
    List<String> push(String cache, List<String> storePaths, String compression, String signingKey) throws Exception {
        String method = compression;
        if (signingKey == null) {
            JsonObject info = getCache(cache);
            if (method == null) {
                method = info.getString("preferredCompressionMethod").equals("XZ") ? "xz" : "zstd";
            }
        } else if (method == null) {
            method = "zstd";
        }
        List<String> query = new ArrayList<>(List.of("nix-store", "-qR"));
        query.addAll(storePaths);
        List<String> closure = Nix.lines(query.toArray(new String[0]));
        List<String> hashes = closure.stream().map(p -> p.substring(11, 43)).toList();
        List<String> missing = missing(cache, hashes);
        List<String> pushed = closure.stream().filter(p -> missing.contains(p.substring(11, 43))).toList();
        // Like cachix push (-j, default 8): several paths at once, each with its own parts in flight.
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, Math.min(jobs, pushed.size())));
        String chosen = method;
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (String path : pushed) {
                running.add(workers.submit(() -> {
                    pushWithRetries(cache, pathInfo(path), chosen, signingKey);
                    return null;
                }));
            }
            for (Future<Void> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception ex) {
                        throw ex;
                    }
                    throw e;
                }
            }
        } finally {
            workers.shutdownNow();
        }
        return pushed;
    }

    static PathInfo pathInfo(String path) throws Exception {
        List<String> refs = Nix.lines("nix-store", "-q", "--references", path).stream()
                .map(r -> r.substring(11)).sorted().toList();
        String deriver = Nix.lines("nix-store", "-q", "--deriver", path).get(0);
        return new PathInfo(path, refs, deriver.startsWith("/nix/store/") ? deriver.substring(11) : "unknown-deriver");
    }

    private void pushWithRetries(String cache, PathInfo path, String compression, String signingKey) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                uploadPath(cache, path, compression, signingKey);
                return;
            } catch (Exception e) {
                if (attempt >= pathRetries) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** The multipart flow of Push/S3.hs for one path, streaming from {@code nix-store --dump}. */
    void uploadPath(String cache, PathInfo path, String compression, String signingKey) throws Exception {
        JsonObject created = createNar(cache, compression.equals("xz") ? "xz" : "zst");
        String narId = created.getString("narId");
        String uploadId = created.getString("uploadId");
        Process dump = new ProcessBuilder("nix-store", "--dump", path.storePath())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        MessageDigest narSha = MessageDigest.getInstance("SHA-256");
        long narSize = 0;
        PartUploader parts = new PartUploader(cache, narId, uploadId);
        try (InputStream in = dump.getInputStream();
             OutputStream compressed = compressor(compression, parts)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                narSha.update(buffer, 0, n);
                narSize += n;
                compressed.write(buffer, 0, n);
            }
        } catch (ClientError e) {
            // Push/S3.hs: a ClientError while streaming parts aborts the upload.
            abort(cache, narId, uploadId);
            throw e;
        }
        if (dump.waitFor() != 0) {
            throw new IllegalStateException("nix-store --dump failed");
        }
        List<Optional<String>> eTags;
        try {
            eTags = parts.finish();
        } catch (ClientError e) {
            abort(cache, narId, uploadId);
            throw e;
        }
        String narHash = "sha256:" + new NixHash(narSha.digest()).nix32();
        JsonObject create = new JsonObject()
                .put("cStoreHash", path.hash())
                .put("cStoreSuffix", path.suffix())
                .put("cNarHash", narHash)
                .put("cNarSize", narSize)
                .put("cFileHash", HexFormat.of().formatHex(parts.fileSha.digest()))
                .put("cFileSize", parts.fileSize)
                .put("cReferences", new JsonArray(new ArrayList<>(path.references())))
                .put("cDeriver", path.deriver())
                .put("cSig", signingKey == null ? null : sign(signingKey, path, narHash, narSize));
        JsonArray partList = new JsonArray();
        for (int i = 0; i < eTags.size(); i++) {
            if (eTags.get(i).isEmpty()) {
                partList = null;
                break;
            }
            partList.add(new JsonObject().put("partNumber", i + 1).put("eTag", eTags.get(i).get()));
        }
        complete(cache, narId, uploadId, partList, create);
    }

    /** cSig: base64 of the raw Ed25519 signature of the fingerprint, no key name (Push.hs:476). */
    static String sign(String cachixSigningKey, PathInfo path, String narHash, long narSize) {
        byte[] raw = Base64.getDecoder().decode(cachixSigningKey.strip());
        SecretSigningKey key = SecretSigningKey.fromSeed("unused", Arrays.copyOf(raw, 32));
        String fingerprint = "1;" + path.storePath() + ";" + narHash + ";" + narSize + ";"
                + String.join(",", path.references().stream().map(r -> "/nix/store/" + r).toList());
        return Base64.getEncoder().encodeToString(key.sign(fingerprint).signature());
    }

    private static OutputStream compressor(String compression, OutputStream out) throws IOException {
        if (compression.equals("xz")) {
            return new XZOutputStream(out, new LZMA2Options(2));
        }
        ZstdOutputStream zstd = new ZstdOutputStream(out, 2);
        return zstd;
    }

    static String md5(byte[] bytes, int length) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(bytes, 0, length);
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Cuts the compressed stream into CHUNK_SIZE parts and uploads up to IN_FLIGHT at once; hashes the whole
     * compressed file on the way. {@link #finish} sends the last part, which is empty when the size is an
     * exact multiple of the chunk size (Data/Conduit/ByteString.hs:chunkStream).
     */
    private final class PartUploader extends OutputStream {
        private final String cache;
        private final String narId;
        private final String uploadId;
        private final MessageDigest fileSha;
        private final ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
        private final List<Future<Optional<String>>> results = new ArrayList<>();
        private byte[] chunk = new byte[CHUNK_SIZE];
        private int filled;
        private long fileSize;
        private boolean finished;

        PartUploader(String cache, String narId, String uploadId) throws Exception {
            this.cache = cache;
            this.narId = narId;
            this.uploadId = uploadId;
            this.fileSha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            fileSha.update(b, off, len);
            fileSize += len;
            while (len > 0) {
                int n = Math.min(len, CHUNK_SIZE - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == CHUNK_SIZE) {
                    submit();
                }
            }
        }

        private void submit() throws IOException {
            checkFailures();
            byte[] bytes = filled == CHUNK_SIZE ? chunk : Arrays.copyOf(chunk, filled);
            int partNumber = results.size() + 1;
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            results.add(pool.submit(() -> {
                try {
                    String md5 = md5(bytes, bytes.length);
                    String url = uploadUrl(cache, narId, uploadId, partNumber, md5);
                    Optional<String> eTag = putPart(url, bytes, md5);
                    return forgetETags && partNumber == 1 ? Optional.<String>empty() : eTag;
                } finally {
                    inFlight.release();
                }
            }));
            chunk = new byte[CHUNK_SIZE];
            filled = 0;
        }

        private void checkFailures() {
            for (Future<Optional<String>> f : results) {
                if (f.isDone()) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        if (cause instanceof ClientError ce) {
                            throw ce;
                        }
                        throw new IllegalStateException(cause);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (!finished) {
                finished = true;
                submit();
            }
        }

        List<Optional<String>> finish() throws Exception {
            List<Optional<String>> eTags = new ArrayList<>();
            try {
                for (Future<Optional<String>> f : results) {
                    try {
                        eTags.add(f.get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof Exception ex) {
                            throw ex;
                        }
                        throw e;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            return eTags;
        }
    }

    static byte[] bytes(ByteArrayOutputStream out) {
        return out.toByteArray();
    }
}
