package dev.cacheserver.adapters.storage;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one S3 storage. {@code keyPrefix} ends with {@code /} or is empty; NAR objects are
 * {@code <keyPrefix><nar file name>}. Without an access key the SDK's default credential chain is used; without
 * a region, {@code us-east-1} (what S3-compatible stores expect when they ignore regions). {@code redirect}
 * answers downloads with a presigned URL instead of streaming through the server. {@code partSize} is the
 * multipart part size, also the size above which uploads go multipart.
 */
public record S3StoreOptions(String name, String bucket, String keyPrefix, Optional<String> region,
                             Optional<String> accessKey, Optional<String> secretKey, Optional<URI> endpoint,
                             boolean pathStyle, boolean redirect, HttpClientKind httpClient, long partSize) {
    /** S3 allows parts of 5 MiB and more (the last may be smaller). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;

    public S3StoreOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bucket, "bucket");
        if (!keyPrefix.isEmpty() && !keyPrefix.endsWith("/")) {
            keyPrefix = keyPrefix + "/";
        }
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 multipart parts must be at least 5 MiB");
        }
    }

    /**
     * The HTTP client under the SDK: CRT (no Netty, fastest reads; natives unpacked to java.io.tmpdir) or the
     * SDK's Netty client (runs on the Vert.x Netty 4.2 jars); {@code -Dcache-server.s3.http-client=netty} picks it.
     */
    public enum HttpClientKind {
        CRT, NETTY;

        public static HttpClientKind fromSystemProperty() {
            return "netty".equalsIgnoreCase(System.getProperty("cache-server.s3.http-client", "crt")) ? NETTY : CRT;
        }
    }

    @Override
    public String toString() {
        return "S3StoreOptions[name=" + name + ", bucket=" + bucket + ", keyPrefix=" + keyPrefix + ", endpoint="
                + endpoint + ", pathStyle=" + pathStyle + ", redirect=" + redirect + ", credentials="
                + (accessKey.isPresent() ? "configured" : "default chain") + "]";
    }
}
