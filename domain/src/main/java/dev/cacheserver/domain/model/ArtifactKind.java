package dev.cacheserver.domain.model;

/**
 * Files a binary cache keeps beside its NARs and narinfos. Each is kept as the client sent it and lives as long
 * as the path it describes: a build log as long as some output of its derivation, a NAR listing as long as its path.
 */
public enum ArtifactKind {
    /** {@code log/<drv base name>}, written by {@code nix store copy-log}, read by {@code nix log}. */
    BUILD_LOG,
    /** {@code <hash>.ls}, written by {@code nix copy ?write-nar-listing=1}, read by {@code nix store ls/cat}. */
    NAR_LISTING
}
