package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.error.StorageException;
import dev.cacheserver.domain.model.CacheName;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.model.NarFile;
import dev.cacheserver.domain.model.NixHash;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.signing.NarSignature;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps a {@link NarInfo} to the columns of the {@code narinfo} table and back, losslessly. References and
 * signatures are space-separated lists: neither a store path base name, a key name nor base64 can contain
 * a space.
 */
public final class NarInfoRows {
    /** The columns {@link #fromRow} reads, in order. */
    public static final String COLUMNS =
            "hash, store_path, file_hash, compression, file_size, nar_hash, nar_size, refs, deriver, system, ca, sigs";

    private NarInfoRows() {
    }

    /** Parameters for (cache, hash, store_path, ..., sigs, created_at, last_accessed_at). */
    public static Tuple toTuple(CacheName cache, NarInfo info, long nowMillis) {
        return Tuple.tuple()
                .addString(cache.value())
                .addString(info.storePath().hash().value())
                .addString(info.storePath().fullPath())
                .addString(info.fileHash().toString())
                .addString(info.compression().narInfoName())
                .addLong(info.fileSize())
                .addString(info.narHash().toString())
                .addLong(info.narSize())
                .addString(join(info.references(), StorePath::baseName))
                .addString(info.deriver())
                .addString(info.system())
                .addString(info.ca())
                .addString(join(info.signatures(), NarSignature::toString))
                .addLong(nowMillis)
                .addLong(nowMillis);
    }

    public static NarInfo fromRow(Row row) {
        return from(row::getString, row::getLong);
    }

    /** {@link #fromRow} for a plain JDBC result set positioned on a row of {@link #COLUMNS}. */
    static NarInfo fromResultSet(java.sql.ResultSet rows) throws java.sql.SQLException {
        java.util.Map<String, String> text = new java.util.HashMap<>();
        for (String column : List.of("hash", "store_path", "file_hash", "compression", "nar_hash", "refs", "deriver",
                "system", "ca", "sigs")) {
            text.put(column, rows.getString(column));
        }
        long fileSize = rows.getLong("file_size");
        long narSize = rows.getLong("nar_size");
        return from(text::get, column -> column.equals("file_size") ? fileSize : narSize);
    }

    private static NarInfo from(Function<String, String> row, java.util.function.ToLongFunction<String> longs) {
        try {
            List<StorePath> refs = new ArrayList<>();
            for (String ref : split(row.apply("refs"))) {
                refs.add(StorePath.parse(ref));
            }
            List<NarSignature> sigs = new ArrayList<>();
            for (String sig : split(row.apply("sigs"))) {
                sigs.add(NarSignature.parse(sig));
            }
            NarFile narFile = new NarFile(NixHash.parse("file_hash", row.apply("file_hash")),
                    Compression.fromNarInfo(row.apply("compression")));
            return new NarInfo(StorePath.parse(row.apply("store_path")), narFile, longs.applyAsLong("file_size"),
                    NixHash.parse("nar_hash", row.apply("nar_hash")), longs.applyAsLong("nar_size"), refs,
                    row.apply("deriver"), row.apply("system"), sigs, row.apply("ca"));
        } catch (RuntimeException e) {
            // Only a hand-edited or corrupted row gets here: everything written went through the domain types.
            throw new StorageException("corrupt narinfo row for hash " + row.apply("hash") + ": "
                    + e.getMessage(), e);
        }
    }

    private static <T> String join(List<T> items, Function<T, String> format) {
        StringBuilder sb = new StringBuilder();
        for (T item : items) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(format.apply(item));
        }
        return sb.toString();
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(" "));
    }
}
