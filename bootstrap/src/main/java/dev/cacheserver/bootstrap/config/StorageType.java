package dev.cacheserver.bootstrap.config;

/** The storage backends: {@code local} and {@code s3}. */
public enum StorageType { LOCAL, S3 }
