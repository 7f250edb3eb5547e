package dev.cacheserver.adapters.storage;

/** The same S3 tests on the SDK's Netty HTTP client, running on the Vert.x Netty 4.2 jars in this JVM. */
class S3NarStoreNettyTest extends S3NarStoreTest {
    @Override
    S3StoreOptions.HttpClientKind httpClient() {
        return S3StoreOptions.HttpClientKind.NETTY;
    }
}
