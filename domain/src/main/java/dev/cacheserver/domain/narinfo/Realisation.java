package dev.cacheserver.domain.narinfo;

import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.NarSignature;
import dev.cacheserver.domain.signing.PublicSigningKey;
import dev.cacheserver.domain.signing.SecretSigningKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where one output of a content-addressed derivation was realised ({@code realisations/<id>.doi}, Nix 2.8 with
 * {@code ca-derivations}): the output's store path, the realisations it depends on, and signatures. A signature
 * covers {@link #fingerprint()}, Nix's JSON of the realisation without its signatures (keys sorted, no spaces).
 */
public record Realisation(DrvOutputId id, StorePath outPath, SortedMap<DrvOutputId, StorePath> dependentRealisations,
                          List<NarSignature> signatures) {
    /** Far above a real realisation (a few hundred bytes plus one line per dependency). */
    public static final int MAX_JSON_BYTES = 1 << 20;

    public Realisation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(outPath, "outPath");
        dependentRealisations = Collections.unmodifiableSortedMap(new TreeMap<>(dependentRealisations));
        TreeSet<String> unique = new TreeSet<>();
        List<NarSignature> sorted = new ArrayList<>();
        // Nix keeps signatures in a std::set of strings: sorted, no duplicates.
        signatures.stream().sorted((a, b) -> a.toString().compareTo(b.toString()))
                .filter(s -> unique.add(s.toString())).forEach(sorted::add);
        signatures = List.copyOf(sorted);
    }

    /** The signed text: {@code {"dependentRealisations":{..},"id":"..","outPath":".."}}. */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder(256);
        appendBody(sb);
        return sb.append('}').toString();
    }

    /** The document as Nix writes it, signatures included. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(512);
        appendBody(sb);
        sb.append(",\"signatures\":[");
        for (int i = 0; i < signatures.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendString(sb, signatures.get(i).toString());
        }
        return sb.append("]}").toString();
    }

    /** A copy signed by {@code key}, replacing an earlier signature under the same key name. */
    public Realisation signedBy(SecretSigningKey key) {
        List<NarSignature> sigs = new ArrayList<>();
        for (NarSignature s : signatures) {
            if (!s.keyName().equals(key.name())) {
                sigs.add(s);
            }
        }
        sigs.add(key.sign(fingerprint()));
        return new Realisation(id, outPath, dependentRealisations, sigs);
    }

    /** True when a signature by {@code key} verifies. */
    public boolean isSignedBy(PublicSigningKey key) {
        String fingerprint = fingerprint();
        return signatures.stream().anyMatch(s -> s.keyName().equals(key.name()) && key.verifies(s, fingerprint));
    }

    private void appendBody(StringBuilder sb) {
        sb.append("{\"dependentRealisations\":{");
        boolean first = true;
        for (Map.Entry<DrvOutputId, StorePath> dep : dependentRealisations.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            appendString(sb, dep.getKey().toString());
            sb.append(':');
            appendString(sb, dep.getValue().baseName());
        }
        sb.append("},\"id\":");
        appendString(sb, id.toString());
        sb.append(",\"outPath\":");
        appendString(sb, outPath.baseName());
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }
}
