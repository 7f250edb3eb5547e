package dev.cacheserver.adapters.storage.s3test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A real S3 server for tests: s3proxy in this JVM on a loopback port, objects kept as files under a directory
 * (each bucket is a subdirectory). It can be stopped and started again on the same port and data, to play an
 * outage. SigV4 with a fixed test key pair.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private final Path directory;
    private int port;
    private S3Proxy proxy;

    private S3TestServer(Path directory) {
        this.directory = directory;
    }

    /** Starts on an ephemeral port with its data under {@code directory}. */
    public static S3TestServer start(Path directory) throws Exception {
        Files.createDirectories(directory);
        S3TestServer server = new S3TestServer(directory);
        server.startProxy(0);
        return server;
    }

    private void startProxy(int onPort) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + onPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        port = proxy.getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Where the objects of {@code bucket} live on disk: {@code <dir>/<bucket>/<key>}. */
    public Path bucketDirectory(String bucket) {
        return directory.resolve(bucket);
    }

    /** Creates a bucket (idempotent). */
    public void createBucket(String bucket) throws Exception {
        try (S3AsyncClient client = client()) {
            if (!Files.isDirectory(bucketDirectory(bucket))) {
                client.createBucket(b -> b.bucket(bucket)).get();
            }
        }
    }

    /** A plain client on this server, for tests to look at the bucket behind the store's back. */
    public S3AsyncClient client() {
        return S3AsyncClient.builder().httpClient(NettyNioAsyncHttpClient.builder().build())
                .endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Stops answering (connections are refused) until {@link #restart()}. */
    public void stop() throws Exception {
        proxy.stop();
    }

    /** Serves again, on the same port and data. */
    public void restart() throws Exception {
        startProxy(port);
    }

    @Override
    public void close() throws Exception {
        if (proxy != null && !"STOPPED".equals(proxy.getState())) {
            proxy.stop();
        }
    }
}
