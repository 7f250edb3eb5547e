package dev.cacheserver.bootstrap;

import dev.cacheserver.application.access.CacheProfile;
import dev.cacheserver.application.narinfo.NarInfoService;
import dev.cacheserver.bootstrap.config.CacheSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing keys added, removed or reordered (or none recorded): rows are re-signed in pages in the background (and on
 * first serve meanwhile); once all are, the keys are recorded so that the next start trusts their signatures.
 */
final class SigningKeyResign {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyResign.class);
    private static final int PAGE = 500;

    private final KeyRing keys;
    private final CacheSettings settings;
    private final CacheProfile profile;
    private final NarInfoService narInfos;

    SigningKeyResign(KeyRing keys, CacheSettings settings, CacheProfile profile, NarInfoService narInfos) {
        this.keys = keys;
        this.settings = settings;
        this.profile = profile;
        this.narInfos = narInfos;
    }

    /** Starts the pass; returns at once. */
    void start() {
        String names = String.join(", ", profile.signingKeys().active().stream().map(k -> k.name()).toList());
        if (!profile.signingKeys().retired().isEmpty()) {
            LOG.info("cache {}: removing the signatures of retired keys {} from stored narinfos", settings.name(),
                    profile.signingKeys().retired());
        }
        narInfos.serving().resignAll(PAGE).whenComplete((count, failure) -> {
            if (failure != null) {
                LOG.warn("cache {}: re-signing stored narinfos with keys {} failed (done on first serve instead): {}",
                        settings.name(), names, failure.getMessage());
                return;
            }
            try {
                keys.recordFinishedPass(settings, profile.signingKeys());
                if (count > 0) {
                    LOG.info("cache {}: re-signed {} stored narinfos with keys {}", settings.name(), count, names);
                }
            } catch (java.io.IOException e) {
                LOG.warn("cache {}: cannot record the signing keys in use: {}", settings.name(), e.getMessage());
            }
        });
    }
}
