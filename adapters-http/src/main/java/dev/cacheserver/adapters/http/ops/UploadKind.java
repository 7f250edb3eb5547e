package dev.cacheserver.adapters.http.ops;

/** The {@code kind} label of upload metrics: Nix's NAR and narinfo PUTs, and completed Cachix multipart uploads. */
public enum UploadKind {
    NAR("nar"), NARINFO("narinfo"), MULTIPART("multipart");

    private final String label;

    UploadKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
