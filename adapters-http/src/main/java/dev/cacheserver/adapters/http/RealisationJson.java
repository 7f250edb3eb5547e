package dev.cacheserver.adapters.http;

import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePath;
import dev.cacheserver.domain.narinfo.Realisation;
import dev.cacheserver.domain.signing.NarSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a realisation as Nix 2.8 uploads it:
 * {@code {"dependentRealisations":{},"id":"sha256:<hex>!out","outPath":"<hash>-<name>","signatures":[]}}.
 * Every field is checked against the Nix alphabets; anything else is an {@link InvalidInputException}.
 */
final class RealisationJson {
    private RealisationJson() {
    }

    static Realisation parse(Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidInputException("a realisation must be a JSON object");
        }
        if (json == null) {
            throw new InvalidInputException("a realisation must be a JSON object");
        }
        DrvOutputId id = DrvOutputId.parse(string(json, "id"));
        StorePath outPath = StorePath.parse(string(json, "outPath"));
        TreeMap<DrvOutputId, StorePath> deps = new TreeMap<>();
        Object rawDeps = json.getValue("dependentRealisations");
        if (rawDeps != null) {
            if (!(rawDeps instanceof JsonObject depObject)) {
                throw new InvalidInputException("dependentRealisations must be an object");
            }
            for (Map.Entry<String, Object> dep : depObject) {
                if (!(dep.getValue() instanceof String path)) {
                    throw new InvalidInputException("dependentRealisations maps ids to store paths");
                }
                deps.put(DrvOutputId.parse(dep.getKey()), StorePath.parse(path));
            }
        }
        List<NarSignature> sigs = new ArrayList<>();
        Object rawSigs = json.getValue("signatures");
        if (rawSigs != null) {
            if (!(rawSigs instanceof JsonArray sigArray)) {
                throw new InvalidInputException("signatures must be an array");
            }
            for (Object sig : sigArray) {
                if (!(sig instanceof String text)) {
                    throw new InvalidInputException("signatures must be strings");
                }
                sigs.add(NarSignature.parse(text));
            }
        }
        return new Realisation(id, outPath, deps, sigs);
    }

    private static String string(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof String s)) {
            throw new InvalidInputException("a realisation needs a string field " + field);
        }
        return s;
    }
}
