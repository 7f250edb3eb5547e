package dev.cacheserver.bootstrap.config;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Lays the {@linkplain EnvironmentOverrides environment overrides} over the file's YAML node tree, so that a value
 * from the environment is validated by the same readers as one from the file. Caches are a list addressed by name,
 * which a JSON merge cannot do, hence a merge on the node tree. Each value taken from a variable is remembered in
 * {@link #origins()}, so an error about it names the variable instead of a line of the file.
 */
final class OverrideOverlay {
    private final Map<Node, String> origins = new IdentityHashMap<>();

    /** The variable each overriding value node came from. */
    Map<Node, String> origins() {
        return origins;
    }

    /**
     * {@code root} with {@code overrides} applied (a missing {@code server:} section, or the default cache's entry when
     * there is no {@code caches:} section, is created). A root that is not a mapping is returned unchanged: the readers
     * report it.
     */
    Node apply(Node root, List<EnvironmentOverrides.Override> overrides) {
        if (overrides.isEmpty() || (root != null && !(root instanceof MappingNode))) {
            return root;
        }
        MappingNode top = root == null ? mapping() : (MappingNode) root;
        for (EnvironmentOverrides.Override override : overrides) {
            Node value = YamlParser.compose(override.value(), override.label()).orElseGet(OverrideOverlay::nothing);
            origins.put(value, override.variable());
            Optional<MappingNode> section = override.cache() == null ? Optional.of(section(top, "server"))
                    : cache(top, override);
            section.ifPresent(s -> put(s, override.key(), value));
        }
        return top;
    }

    private static MappingNode section(MappingNode top, String name) {
        Node existing = get(top, name);
        if (existing instanceof MappingNode mapping) {
            return mapping;
        }
        MappingNode created = mapping();
        // An explicit null section ("server:" with nothing under it) is replaced; another value stays for the reader.
        if (existing == null || (existing instanceof ScalarNode && Tag.NULL.equals(existing.getTag()))) {
            put(top, name, created);
            return created;
        }
        return mapping();
    }

    /** The entry of the cache the override names; empty when {@code caches:} is not a list (the reader says so). */
    private static Optional<MappingNode> cache(MappingNode top, EnvironmentOverrides.Override override) {
        Node caches = get(top, "caches");
        if (caches == null) {
            if (!override.cache().equals(EnvironmentOverrides.variableSpelling(CacheSectionReader.DEFAULT_CACHE_NAME))) {
                throw noSuchCache(override, "there is no caches: section, so the only cache is \""
                        + CacheSectionReader.DEFAULT_CACHE_NAME + "\"");
            }
            MappingNode main = mapping();
            put(main, "name", scalar(CacheSectionReader.DEFAULT_CACHE_NAME));
            put(top, "caches", new SequenceNode(Tag.SEQ, new ArrayList<>(List.of(main)), DumperOptions.FlowStyle.BLOCK));
            return Optional.of(main);
        }
        if (!(caches instanceof SequenceNode list)) {
            return Optional.empty();
        }
        List<MappingNode> matches = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Node item : list.getValue()) {
            if (item instanceof MappingNode entry && get(entry, "name") instanceof ScalarNode name) {
                names.add(name.getValue());
                if (EnvironmentOverrides.variableSpelling(name.getValue()).equals(override.cache())) {
                    matches.add(entry);
                }
            }
        }
        if (matches.size() > 1) {
            throw noSuchCache(override, "it names more than one cache; rename one of them");
        }
        if (matches.isEmpty()) {
            throw noSuchCache(override, "no cache has that name (caches: " + String.join(", ", names) + ")");
        }
        return Optional.of(matches.get(0));
    }

    private static ConfigException noSuchCache(EnvironmentOverrides.Override override, String why) {
        return ConfigMessages.error(override.label(), override.path(), "names no cache of the configuration: " + why,
                null, null);
    }

    private static Node get(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    /** Replaces the value of the first {@code key} (a duplicate in the file is still reported) or adds the key. */
    private static void put(MappingNode mapping, String key, Node value) {
        List<NodeTuple> tuples = mapping.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            if (tuples.get(i).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                tuples.set(i, new NodeTuple(k, value));
                return;
            }
        }
        tuples.add(new NodeTuple(scalar(key), value));
    }

    private static MappingNode mapping() {
        return new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    }

    /** A string node; its position is line 1 of nothing, as it is in no file. */
    private static ScalarNode scalar(String text) {
        Mark nowhere = new Mark("environment", 0, 0, 0, new int[0], 0);
        return new ScalarNode(Tag.STR, text, nowhere, nowhere, DumperOptions.ScalarStyle.PLAIN);
    }

    /** An empty variable: the key is unset, as {@code key:} with no value in the file. */
    private static ScalarNode nothing() {
        Mark nowhere = new Mark("environment", 0, 0, 0, new int[0], 0);
        return new ScalarNode(Tag.NULL, "", nowhere, nowhere, DumperOptions.ScalarStyle.PLAIN);
    }
}
