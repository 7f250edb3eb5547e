package dev.cacheserver.adapters.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The SDK clients of one S3 storage: the async client, the HTTP client under it, and the URL presigner. */
record S3Clients(S3AsyncClient s3, SdkAsyncHttpClient http, S3Presigner presigner) {
    // Under the name it always logged as: operators filter on it.
    private static final Logger LOG = LoggerFactory.getLogger(S3NarStore.class);

    /** Builds the clients for {@code options}; blocking (the CRT loads its natives): call it on a worker. */
    static S3Clients build(S3StoreOptions options) {
        SdkAsyncHttpClient http = httpClient(options.httpClient());
        AwsCredentialsProvider credentials = credentials(options);
        Region region = Region.of(options.region().orElse("us-east-1"));
        var builder = S3AsyncClient.builder().httpClient(http).region(region).credentialsProvider(credentials)
                .forcePathStyle(options.pathStyle())
                // S3-compatible stores differ in their support of the newer checksum trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        options.endpoint().ifPresent(builder::endpointOverride);
        var presignerBuilder = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build());
        options.endpoint().ifPresent(presignerBuilder::endpointOverride);
        return new S3Clients(builder.build(), http, presignerBuilder.build());
    }

    private static SdkAsyncHttpClient httpClient(S3StoreOptions.HttpClientKind kind) {
        if (kind == S3StoreOptions.HttpClientKind.CRT) {
            try {
                return AwsCrtAsyncHttpClient.builder().maxConcurrency(64).build();
            } catch (RuntimeException | LinkageError e) {
                // The CRT natives are unpacked to java.io.tmpdir; a noexec tmp or an odd platform stops them.
                LOG.warn("AWS CRT HTTP client unavailable ({}); using the Netty client", e.toString());
            }
        }
        return NettyNioAsyncHttpClient.builder().maxConcurrency(64).build();
    }

    private static AwsCredentialsProvider credentials(S3StoreOptions options) {
        if (options.accessKey().isPresent() && options.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(options.accessKey().get(), options.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    void close() {
        presigner.close();
        s3.close();
        http.close();
    }
}
