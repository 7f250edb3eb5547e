package dev.cacheserver.domain.model;

/**
 * One row of the original Python server's {@code store_path} table, as stored there and not yet validated (the
 * original checked nothing): {@code fileHash} is usually lowercase hex (what cachix sends), {@code narHash}
 * {@code sha256:<nix32>}, {@code refs} space-joined base names, {@code deriver} a base name or
 * {@code unknown-deriver}. {@code row} orders rows for paging.
 */
public record OriginalStorePath(long row, String storeHash, String storeSuffix, String fileHash, long fileSize,
                                String narHash, long narSize, String deriver, String refs, String storageId) {

    /** {@code /nix/store/<hash>-<suffix>} as the original would print it, for reports. */
    public String displayPath() {
        return StorePath.STORE_DIR + "/" + storeHash + "-" + storeSuffix;
    }
}
