package dev.cacheserver.bootstrap.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping whose keys have been checked: every key is a string, appears once, and is one of the keys the
 * section allows. An unknown key is reported with its full path, the allowed keys and, for a likely typo, the
 * closest allowed key. Values of the keys in {@link #SECRET_KEYS} are never shown in messages.
 */
final class YamlMap {
    /** Keys whose values are secrets; their values print as {@code <hidden>}. */
    static final Set<String> SECRET_KEYS = Set.of("key", "s3_secret_key", "s3_access_key");

    private final YamlNode owner;
    private final Map<String, Node> values;

    private YamlMap(YamlNode owner, Map<String, Node> values) {
        this.owner = owner;
        this.values = values;
    }

    static YamlMap empty(YamlNode owner) {
        return new YamlMap(owner, Map.of());
    }

    static YamlMap of(YamlNode owner, MappingNode mapping, List<String> allowedKeys) {
        Map<String, Node> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey) || !Tag.STR.equals(keyNode.getTag())) {
                YamlNode asValue = owner.child(keyNode, "<key>", false);
                throw ConfigMessages.error(owner.label(), owner.path(),
                        "keys must be plain names", asValue.render(), String.join(", ", allowedKeys));
            }
            String key = scalarKey.getValue();
            int line = keyNode.getStartMark().getLine() + 1;
            YamlNode at = owner.child(tuple.getValueNode(), key, false);
            if (lines.containsKey(key)) {
                throw at.failWithoutValue("duplicate key (first on line " + lines.get(key) + ", again on line " + line
                        + "); keep only one");
            }
            if (!allowedKeys.contains(key)) {
                String hint = KeySuggestions.closest(key, allowedKeys).map(k -> "; did you mean " + k + "?").orElse("");
                throw ConfigMessages.error(owner.label(), at.path(), "unknown key" + hint, null,
                        String.join(", ", allowedKeys));
            }
            lines.put(key, line);
            values.put(key, tuple.getValueNode());
        }
        return new YamlMap(owner, values);
    }

    /** The value at {@code key}; not present when the key is missing or null. */
    YamlNode get(String key) {
        return owner.child(values.get(key), key, SECRET_KEYS.contains(key));
    }

    /** The value at {@code key}, which must be present. */
    YamlNode required(String key) {
        YamlNode value = get(key);
        if (!value.isPresent()) {
            throw value.failWithoutValue("required key is missing");
        }
        return value;
    }

    /** Like {@link #required(String)}, listing the allowed values in the message. */
    YamlNode required(String key, String allowed) {
        YamlNode value = get(key);
        if (!value.isPresent()) {
            throw ConfigMessages.error(owner.label(), value.path(), "required key is missing", null, allowed);
        }
        return value;
    }

    boolean has(String key) {
        return get(key).isPresent();
    }

    String path() {
        return owner.path();
    }
}
