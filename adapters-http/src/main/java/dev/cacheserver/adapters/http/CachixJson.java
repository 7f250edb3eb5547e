package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.BinaryCacheInfo;
import dev.cacheserver.application.port.in.CompletedPart;
import dev.cacheserver.application.port.in.NarInfoCreate;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.Compression;
import dev.cacheserver.domain.narinfo.NarInfo;
import dev.cacheserver.domain.narinfo.NarInfoText;
import dev.cacheserver.domain.upload.Pin;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Cachix JSON shapes (aeson generic encodings): field names verbatim, every field emitted, optional ones
 * as null, nullary sum types as strings, mixed sum types as {@code {"tag":..,"contents":..}}. Malformed
 * input is InvalidInputException (400).
 */
final class CachixJson {
    private CachixJson() {
    }

    static JsonObject binaryCache(BinaryCacheInfo info) {
        return new JsonObject()
                .put("name", info.name())
                .put("uri", info.uri())
                .put("isPublic", info.isPublic())
                .put("publicSigningKeys", new JsonArray(new ArrayList<>(info.publicSigningKeys())))
                .put("githubUsername", "")
                .put("permission", capitalized(info.permission().name()))
                .put("preferredCompressionMethod", info.preferredCompression() == Compression.XZ ? "XZ" : "ZSTD");
    }

    /** The JSON {@code NarInfo} of {@code GET .../<hash>.narinfo} with {@code Accept: application/json}. */
    static JsonObject narInfo(byte[] text) {
        NarInfo info = NarInfoText.parse(new String(text, StandardCharsets.UTF_8));
        JsonArray refs = new JsonArray();
        info.references().forEach(r -> refs.add(r.baseName()));
        return new JsonObject()
                .put("storePath", info.storePath().fullPath())
                .put("url", info.narFile().url())
                .put("compression", info.compression().narInfoName())
                .put("fileHash", info.fileHash().toString())
                .put("fileSize", info.fileSize())
                .put("narHash", info.narHash().toString())
                .put("narSize", info.narSize())
                .put("references", refs)
                .put("deriver", info.deriver())
                .put("system", info.system())
                .put("sig", info.signatures().isEmpty() ? null : info.signatures().get(0).toString())
                .put("ca", info.ca());
    }

    static JsonObject object(Buffer body) {
        try {
            if (body == null || body.length() == 0) {
                throw new InvalidInputException("a JSON object body is required");
            }
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidInputException("the body is not a JSON object");
        }
    }

    static List<String> stringArray(Buffer body) {
        JsonArray array;
        try {
            array = new JsonArray(body == null ? Buffer.buffer("[]") : body);
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidInputException("the body must be a JSON array of store path hashes");
        }
        List<String> out = new ArrayList<>(array.size());
        for (Object o : array) {
            if (!(o instanceof String s)) {
                throw new InvalidInputException("the body must be a JSON array of strings");
            }
            out.add(s);
        }
        return out;
    }

    /** {@code parts} of a complete call: absent when the client sent null (some part had no ETag). */
    static Optional<List<CompletedPart>> parts(JsonObject body) {
        Object raw = body.getValue("parts");
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof JsonArray array)) {
            throw new InvalidInputException("parts must be an array or null");
        }
        List<CompletedPart> parts = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof JsonObject p) || !(p.getValue("partNumber") instanceof Number n)
                    || !(p.getValue("eTag") instanceof String tag)) {
                throw new InvalidInputException("each part needs a numeric partNumber and a string eTag");
            }
            parts.add(new CompletedPart(n.intValue(), tag));
        }
        return Optional.of(parts);
    }

    static NarInfoCreate narInfoCreate(JsonObject body) {
        if (!(body.getValue("narInfoCreate") instanceof JsonObject c)) {
            throw new InvalidInputException("narInfoCreate is missing");
        }
        List<String> refs = null;
        if (c.getValue("cReferences") instanceof JsonArray array) {
            refs = new ArrayList<>();
            for (Object o : array) {
                if (!(o instanceof String s)) {
                    throw new InvalidInputException("cReferences must be strings");
                }
                refs.add(s);
            }
        }
        return new NarInfoCreate(string(c, "cStoreHash"), string(c, "cStoreSuffix"), string(c, "cNarHash"),
                number(c, "cNarSize"), string(c, "cFileHash"), number(c, "cFileSize"), refs, string(c, "cDeriver"),
                string(c, "cSig"));
    }

    static Pin.Keep keep(Object value) {
        if (value == null) {
            return new Pin.Keep(Pin.Keep.Kind.NONE, 0);
        }
        if (!(value instanceof JsonObject keep) || !(keep.getValue("tag") instanceof String tag)) {
            throw new InvalidInputException("keep must be null or {\"tag\": ...}");
        }
        return switch (tag) {
            case "Forever" -> new Pin.Keep(Pin.Keep.Kind.FOREVER, 0);
            case "Days", "Revisions" -> {
                if (!(keep.getValue("contents") instanceof Number n) || n.longValue() < 0) {
                    throw new InvalidInputException("keep " + tag + " needs a non-negative number in contents");
                }
                yield new Pin.Keep(tag.equals("Days") ? Pin.Keep.Kind.DAYS : Pin.Keep.Kind.REVISIONS, n.longValue());
            }
            default -> throw new InvalidInputException("keep tag must be Days, Revisions or Forever");
        };
    }

    static List<String> strings(JsonObject object, String field) {
        Object value = object.getValue(field);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof JsonArray array)) {
            throw new InvalidInputException(field + " must be an array of strings");
        }
        for (Object o : array) {
            if (!(o instanceof String s)) {
                throw new InvalidInputException(field + " must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    static String string(JsonObject object, String field) {
        Object value = object.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new InvalidInputException(field + " must be a string");
        }
        return (String) value;
    }

    private static long number(JsonObject object, String field) {
        Object value = object.getValue(field);
        if (!(value instanceof Number n)) {
            throw new InvalidInputException(field + " must be a number");
        }
        if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
            throw new InvalidInputException(field + " must be an integer");
        }
        if (value instanceof java.math.BigInteger) {
            // Past a long, longValue() would silently wrap to some other size.
            throw new InvalidInputException(field + " is out of range");
        }
        return n.longValue();
    }

    private static String capitalized(String upper) {
        return upper.charAt(0) + upper.substring(1).toLowerCase();
    }
}
