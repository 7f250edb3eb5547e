package dev.cacheserver.domain.narinfo;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.signing.NarSignature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses and renders the {@code .narinfo} text format exactly as Nix 2.8 writes it:
 * <pre>
 * StorePath: /nix/store/fx0jmpsfp0pz1icpgr67h1gfflg562vy-closure-top
 * URL: nar/0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz.nar.zst
 * Compression: zstd
 * FileHash: sha256:0i8m0jz1zqcaqrkysn69bl8cl5jpqnhg7r4s4vwj38ygl6shdjzz
 * FileSize: 315
 * NarHash: sha256:183nmn9nsahwxa4iambvdqj0la4pz52qcmrnv8kmhy76vj67imj8
 * NarSize: 1048
 * References: 12z63721xzfhfahmwbyn60v571yq56ip-blob-1k ixk2yn90wfydj860k40bc8j7gwqxp3dd-blob-10m
 * Deriver: l93ixgcr3x5k6yi03aiq952vzzj97i63-closure-top.drv
 * Sig: test-1:uPG2XFEzpugX76Tz8wVtCfB7gQLMOKMlR2KP28rtdJl++utod8ZG+R65A5bfQyqTlOCh8XAwXbPumbXTh3JTBw==
 * </pre>
 * Lines end in LF, {@code References: } keeps its trailing space when empty, and the text ends with a newline.
 */
public final class NarInfoText {
    /** Far above any real narinfo (a few hundred bytes, a few KiB with thousands of references). */
    public static final int MAX_BYTES = 1 << 20;

    private NarInfoText() {
    }

    public static String render(NarInfo info) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("StorePath: ").append(info.storePath().fullPath()).append('\n');
        sb.append("URL: ").append(info.narFile().url()).append('\n');
        sb.append("Compression: ").append(info.compression().narInfoName()).append('\n');
        sb.append("FileHash: ").append(info.fileHash()).append('\n');
        sb.append("FileSize: ").append(info.fileSize()).append('\n');
        sb.append("NarHash: ").append(info.narHash()).append('\n');
        sb.append("NarSize: ").append(info.narSize()).append('\n');
        sb.append("References: ");
        for (int i = 0; i < info.references().size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(info.references().get(i).baseName());
        }
        sb.append('\n');
        if (info.deriver() != null) {
            sb.append("Deriver: ").append(info.deriver()).append('\n');
        }
        if (info.system() != null) {
            sb.append("System: ").append(info.system()).append('\n');
        }
        for (NarSignature sig : info.signatures()) {
            sb.append("Sig: ").append(sig).append('\n');
        }
        if (info.ca() != null) {
            sb.append("CA: ").append(info.ca()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Parses a narinfo that a client uploads. Requires StorePath, URL, NarHash, NarSize, FileHash and FileSize
     * (Nix always sends them); a missing Compression means bzip2, as in Nix. Every field is validated; the first
     * problem is reported as an {@link InvalidInputException} naming the field.
     */
    public static NarInfo parse(String text) {
        return parse(text, false).info();
    }

    /**
     * Parses a narinfo served by another binary cache, whose {@code URL:} may follow any layout (Attic's
     * {@code nar/<store path hash>.nar}, subdirectories, absolute URLs): the URL is kept as written, unchecked, and
     * the {@link NarInfo} names its NAR by FileHash and Compression as this server stores it. Otherwise as strict
     * as {@link #parse(String)}.
     */
    public static ForeignNarInfo parseForeign(String text) {
        return parse(text, true);
    }

    /** A narinfo from another cache and its {@code URL:} as written there. */
    public record ForeignNarInfo(NarInfo info, String url) {
    }

    private static ForeignNarInfo parse(String text, boolean foreignUrl) {
        if (text.length() > MAX_BYTES) {
            throw new InvalidInputException("narinfo is larger than " + MAX_BYTES + " bytes");
        }
        if (text.indexOf('\r') >= 0) {
            throw new InvalidInputException("narinfo must use LF line endings, not CRLF");
        }
        String storePath = null;
        String url = null;
        String compression = null;
        String fileHash = null;
        String fileSize = null;
        String narHash = null;
        String narSize = null;
        String references = null;
        String deriver = null;
        String system = null;
        String ca = null;
        List<NarSignature> sigs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                // "References:" with nothing after it is how some tools write an empty list.
                if (line.equals("References:")) {
                    colon = line.length() - 1;
                    line = line + " ";
                } else {
                    throw new InvalidInputException("narinfo line " + lineNo + " is not 'Key: value': " + shorten(line));
                }
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            if (!key.equals("Sig") && !seen.add(key)) {
                throw new InvalidInputException("narinfo has a duplicate " + key + " line");
            }
            switch (key) {
                case "StorePath" -> storePath = value;
                case "URL" -> url = value;
                case "Compression" -> compression = value;
                case "FileHash" -> fileHash = value;
                case "FileSize" -> fileSize = value;
                case "NarHash" -> narHash = value;
                case "NarSize" -> narSize = value;
                case "References" -> references = value;
                case "Deriver" -> deriver = value;
                case "System" -> system = value;
                case "CA" -> ca = value;
                case "Sig" -> sigs.add(parseSig(value));
                default -> {
                    // Unknown fields are dropped, as Nix itself ignores them.
                }
            }
        }
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new InvalidInputException("narinfo must end with a newline");
        }
        StorePath path = StorePath.parse(required("StorePath", storePath));
        if (!storePath.startsWith(StorePath.STORE_DIR + "/")) {
            throw new InvalidInputException("StorePath must be in " + StorePath.STORE_DIR + ": " + shorten(storePath));
        }
        Compression comp = compression == null ? Compression.BZIP2 : Compression.fromNarInfo(compression);
        if (foreignUrl && (url == null || url.isBlank())) {
            throw new InvalidInputException("narinfo has no URL line");
        }
        NixHash nHash = NixHash.parse("NarHash", required("NarHash", narHash));
        long nSize = parseSize("NarSize", required("NarSize", narSize));
        boolean plainNar = foreignUrl && comp == Compression.NONE && fileHash == null && fileSize == null;
        // Attic leaves FileHash and FileSize out of an uncompressed NAR's narinfo: the file is the NAR itself.
        NixHash fHash = plainNar ? nHash : NixHash.parse("FileHash", required("FileHash", fileHash));
        long fSize = plainNar ? nSize : parseSize("FileSize", required("FileSize", fileSize));
        NarFile narFile = foreignUrl ? new NarFile(fHash, comp) : narFileFromUrl(required("URL", url), fHash, comp);
        List<StorePath> refs = new ArrayList<>();
        if (references != null && !references.isBlank()) {
            for (String ref : references.trim().split(" +")) {
                refs.add(parseRef(ref));
            }
        }
        String drv = NarInfoFields.deriver("Deriver", deriver);
        if (system != null) {
            NarInfoFields.system("System", system);
        }
        if (ca != null) {
            NarInfoFields.contentAddress("CA", ca);
        }
        return new ForeignNarInfo(new NarInfo(path, narFile, fSize, nHash, nSize, refs, drv, system, sigs, ca), url);
    }

    private static NarFile narFileFromUrl(String url, NixHash fileHash, Compression compression) {
        if (!url.startsWith("nar/")) {
            throw new InvalidInputException("URL must be nar/<filehash>.nar[.ext], got: " + shorten(url));
        }
        NarFile named = NarFile.parseFileName(url.substring(4));
        if (!named.fileHash().equals(fileHash)) {
            throw new InvalidInputException("URL names file hash " + named.fileHash() + " but FileHash is " + fileHash);
        }
        if (named.compression() != compression) {
            throw new InvalidInputException("URL extension '" + named.compression().extension()
                    + "' does not match Compression: " + compression.narInfoName());
        }
        return named;
    }

    private static StorePath parseRef(String ref) {
        return NarInfoFields.reference("References", ref);
    }

    private static NarSignature parseSig(String value) {
        try {
            return NarSignature.parse(value);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("Sig: " + e.getMessage());
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("narinfo has no " + field + " line");
        }
        return value;
    }

    private static long parseSize(String field, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field + " must be a non-negative integer, got: " + shorten(value));
        }
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
