package dev.cacheserver.bootstrap.e2e;

import com.github.luben.zstd.Zstd;
import dev.cacheserver.domain.model.NixHash;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Builds small, valid NARs (a single regular file) and their narinfos, as Nix would upload them. */
final class TestNars {
    private TestNars() {
    }

    static byte[] regularFile(byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : new String[] {"nix-archive-1", "(", "type", "regular", "contents"}) {
            str(out, s.getBytes(StandardCharsets.US_ASCII));
        }
        str(out, contents);
        str(out, ")".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        return Zstd.compress(data, 3);
    }

    static NixHash sha256(byte[] data) {
        try {
            return new NixHash(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A narinfo for {@code nar} stored as {@code file} (already compressed as {@code compression}). */
    static String narInfo(String storeHash, String name, byte[] nar, byte[] file, String compression, String ext) {
        NixHash fileHash = sha256(file);
        return "StorePath: /nix/store/" + storeHash + "-" + name + "\n"
                + "URL: nar/" + fileHash.nix32() + ext + "\n"
                + "Compression: " + compression + "\n"
                + "FileHash: " + fileHash + "\n"
                + "FileSize: " + file.length + "\n"
                + "NarHash: " + sha256(nar) + "\n"
                + "NarSize: " + nar.length + "\n"
                + "References: \n";
    }

    private static void str(ByteArrayOutputStream out, byte[] bytes) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length);
        out.writeBytes(len.array());
        out.writeBytes(bytes);
        int pad = (8 - bytes.length % 8) % 8;
        out.writeBytes(new byte[pad]);
    }
}
