package dev.cacheserver.bootstrap.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of the config document together with its key path ({@code caches[1].storages[0].root}), read with
 * strict types: a quoted {@code "5000"} is not a port, {@code 1.5} is not an integer. Every accessor either returns
 * a value or throws a {@link ConfigException} in the {@link ConfigMessages} format. An absent key and an explicit
 * YAML {@code null} are the same thing ({@link #isPresent()} is false). Values of secret keys print as
 * {@code <hidden>}.
 */
final class YamlNode {
    private static final Pattern NUMBER_LIKE = Pattern.compile("\\s*[-+]?[0-9][0-9_.]*\\s*");

    private final ConfigContext ctx;
    private final YamlParser.ScalarConstructor scalars;
    private final Node node;
    private final String path;
    private final boolean secret;
    /** Where values came from other than the file: the environment variable of each overriding value node. */
    private final Map<Node, String> origins;
    /** What messages about this value name as its source: the file, or an environment variable. */
    private final String label;

    private YamlNode(ConfigContext ctx, YamlParser.ScalarConstructor scalars, Node node, String path, boolean secret,
                     Map<Node, String> origins, String label) {
        this.ctx = ctx;
        this.scalars = scalars;
        this.node = node;
        this.path = path;
        this.secret = secret;
        this.origins = origins;
        this.label = label;
    }

    static YamlNode root(ConfigContext ctx, Node node) {
        return root(ctx, node, Map.of());
    }

    /** The document root; a value node in {@code origins} (and all below it) came from that environment variable. */
    static YamlNode root(ConfigContext ctx, Node node, Map<Node, String> origins) {
        return new YamlNode(ctx, new YamlParser.ScalarConstructor(), node, "", false, origins, ctx.fileLabel());
    }

    YamlNode child(Node childNode, String key, boolean childSecret) {
        String variable = childNode == null ? null : origins.get(childNode);
        return new YamlNode(ctx, scalars, childNode, path.isEmpty() ? key : path + "." + key, childSecret, origins,
                variable == null ? label : EnvironmentOverrides.Override.label(variable));
    }

    /** The source messages name: the config file, or the environment variable this value came from. */
    String label() {
        return label;
    }

    String path() {
        return path;
    }

    ConfigContext context() {
        return ctx;
    }

    /** False for a missing key and for an explicit YAML null ({@code key:} with no value, {@code ~}). */
    boolean isPresent() {
        return node != null && !(node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
    }

    boolean isScalarWithTag(Tag tag) {
        return node instanceof ScalarNode && tag.equals(node.getTag());
    }

    /** A mapping whose keys must all be in {@code allowedKeys}; an absent value reads as an empty mapping. */
    YamlMap map(List<String> allowedKeys) {
        if (!isPresent()) {
            return YamlMap.empty(this);
        }
        if (!(node instanceof MappingNode mapping) || !Tag.MAP.equals(node.getTag())) {
            throw fail("must be a mapping of keys to values", String.join(", ", allowedKeys));
        }
        return YamlMap.of(this, mapping, allowedKeys);
    }

    /** A list; an absent value reads as an empty list (callers that need "present" check {@link #isPresent}). */
    List<YamlNode> list(String whatItems) {
        if (!isPresent()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence) || !Tag.SEQ.equals(node.getTag())) {
            throw fail("must be a list of " + whatItems);
        }
        List<YamlNode> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(new YamlNode(ctx, scalars, item, path + "[" + items.size() + "]", secret, origins, label));
        }
        return items;
    }

    /** A YAML string (plain or quoted). Numbers and booleans are refused rather than silently converted. */
    String string() {
        if (isScalarWithTag(Tag.STR)) {
            return ((ScalarNode) node).getValue();
        }
        if (node instanceof ScalarNode && isStandardScalar()) {
            throw fail("must be a string; put it in quotes if it is meant literally");
        }
        throw fail("must be a string");
    }

    String nonEmptyString() {
        String value = string();
        if (value.isBlank()) {
            throw fail("must not be empty");
        }
        return value;
    }

    /** A string matching {@code rule}; {@code ruleText} explains the rule to the user. */
    String matching(Pattern rule, String ruleText) {
        String value = string();
        if (!rule.matcher(value).matches()) {
            throw fail("must be " + ruleText);
        }
        return value;
    }

    /** A YAML integer (decimal, 0x.., 0o..; not quoted, not a fraction) in {@code [min, max]}. */
    long integer(long min, long max) {
        String expectation = "must be an integer from " + min + " to " + max;
        if (isScalarWithTag(Tag.INT)) {
            BigInteger value = new BigInteger(String.valueOf(scalars.construct((ScalarNode) node)));
            if (value.compareTo(BigInteger.valueOf(min)) >= 0 && value.compareTo(BigInteger.valueOf(max)) <= 0) {
                return value.longValueExact();
            }
            throw fail(expectation);
        }
        if (isQuoted() && NUMBER_LIKE.matcher(((ScalarNode) node).getValue()).matches()) {
            throw fail(expectation + ", written without quotes");
        }
        if (isScalarWithTag(Tag.FLOAT)) {
            throw fail(expectation + "; fractions are not allowed");
        }
        throw fail(expectation);
    }

    int port() {
        return (int) integer(1, 65535);
    }

    /** The raw integer of an int-tagged scalar (callers check {@link #isScalarWithTag} first). */
    BigInteger bigInteger() {
        return new BigInteger(String.valueOf(scalars.construct((ScalarNode) node)));
    }

    /** {@code true}/{@code false} (also YAML 1.1's yes/no/on/off), never a quoted string. */
    boolean bool() {
        if (isScalarWithTag(Tag.BOOL)) {
            return (Boolean) scalars.construct((ScalarNode) node);
        }
        if (isQuoted() && ((ScalarNode) node).getValue().matches("(?i)true|false|yes|no|on|off")) {
            throw fail("must be true or false, written without quotes");
        }
        throw fail("must be true or false");
    }

    /** One of the given spellings (a string), mapped to its value. */
    <E> E oneOf(Map<String, E> choices) {
        String allowed = String.join(", ", choices.keySet());
        if (!isScalarWithTag(Tag.STR)) {
            throw fail("must be one of the listed values", allowed);
        }
        E value = choices.get(((ScalarNode) node).getValue());
        if (value == null) {
            throw fail("is not a known value", allowed);
        }
        return value;
    }

    /**
     * A string converted by {@code parser}; an {@link IllegalArgumentException} from the parser becomes a
     * ConfigException whose problem is the exception's message.
     */
    <T> T parse(Function<String, T> parser) {
        String value = string();
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    /** An error about this value, showing it (or {@code <hidden>}). */
    ConfigException fail(String problem) {
        return ConfigMessages.error(label, path, problem, render(), null);
    }

    ConfigException fail(String problem, String allowed) {
        return ConfigMessages.error(label, path, problem, render(), allowed);
    }

    /** An error at this key that does not show the value (e.g. a missing key, a clash with another key). */
    ConfigException failWithoutValue(String problem) {
        return ConfigMessages.error(label, path, problem, null, null);
    }

    /** How the value appears after "got" in messages. */
    String render() {
        if (secret) {
            return ConfigMessages.HIDDEN;
        }
        if (node == null) {
            return "nothing";
        }
        if (node instanceof ScalarNode scalar) {
            if (Tag.NULL.equals(node.getTag())) {
                return "nothing";
            }
            if (Tag.STR.equals(node.getTag())) {
                return ConfigMessages.quote(scalar.getValue());
            }
            String value = ConfigMessages.plain(scalar.getValue());
            return isStandardScalar() ? value : "a value tagged " + node.getTag().getValue() + " " + value;
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue().isEmpty() ? "an empty list" : "a list";
        }
        return ((MappingNode) node).getValue().isEmpty() ? "an empty mapping" : "a mapping";
    }

    /** A string written in quotes: "5000" rather than 5000, which the original rejected for ports too. */
    private boolean isQuoted() {
        return isScalarWithTag(Tag.STR) && ((ScalarNode) node).getScalarStyle() != DumperOptions.ScalarStyle.PLAIN;
    }

    private boolean isStandardScalar() {
        Tag tag = node.getTag();
        return Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag) || Tag.NULL.equals(tag)
                || Tag.STR.equals(tag) || Tag.TIMESTAMP.equals(tag);
    }
}
