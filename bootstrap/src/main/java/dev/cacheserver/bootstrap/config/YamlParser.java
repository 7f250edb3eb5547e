package dev.cacheserver.bootstrap.config;

import java.io.StringReader;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns YAML text into a SnakeYAML node tree (not Java objects), so every value keeps its position and its
 * resolved tag and {@link YamlNode} can report the key path. Syntax errors become a {@link ConfigException}
 * with line and column; the offending source line is not quoted, because it may hold a secret.
 */
final class YamlParser {
    // A config needs few aliases; a low cap stops "billion laughs" documents early.
    private static final int MAX_ALIASES = 20;
    private static final int MAX_NESTING = 20;
    private static final int MAX_CODE_POINTS = 1024 * 1024;

    private YamlParser() {
    }

    /** The root node, or empty when the document has no content (empty, or only comments). */
    static Optional<Node> compose(String text, String fileLabel) {
        LoaderOptions options = loaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()),
                new DumperOptions(), options, new Resolver());
        String withoutBom = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try {
            return Optional.ofNullable(yaml.compose(new StringReader(withoutBom)));
        } catch (MarkedYAMLException e) {
            throw ConfigMessages.error(fileLabel, null, "invalid YAML: " + describe(e), null, null);
        } catch (YAMLException e) {
            throw ConfigMessages.error(fileLabel, null, "invalid YAML: " + oneLine(e.getMessage()), null, null);
        }
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        // YamlNode reports duplicates with their key path; this covers any construction through SafeConstructor.
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        // Resolve "<<: *anchor" merge keys while composing, so YamlNode sees plain mappings
        // (explicit keys win over merged ones, as YAML specifies).
        options.setMergeOnCompose(true);
        return options;
    }

    /**
     * "line 4, column 1: expected ',' or ']', but got <stream end> (while parsing a flow sequence started on
     * line 3, column 13)". Only SnakeYAML's fixed problem texts and positions are used, never the source snippet.
     */
    private static String describe(MarkedYAMLException e) {
        Mark problemMark = e.getProblemMark();
        Mark contextMark = e.getContextMark();
        StringBuilder text = new StringBuilder();
        if (problemMark != null) {
            text.append(position(problemMark)).append(": ");
        }
        text.append(oneLine(e.getProblem() != null ? e.getProblem() : e.getContext()));
        if (e.getProblem() != null && e.getContext() != null) {
            text.append(" (").append(oneLine(e.getContext()));
            if (contextMark != null) {
                text.append(" started on ").append(position(contextMark));
            }
            text.append(')');
        }
        return text.toString();
    }

    private static String position(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String oneLine(String text) {
        return text == null ? "unknown error" : text.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    /** Builds Java values for standard scalar tags (int, bool) with SnakeYAML's own YAML 1.1 rules. */
    static final class ScalarConstructor extends SafeConstructor {
        ScalarConstructor() {
            super(loaderOptions());
        }

        Object construct(ScalarNode node) {
            return constructObject(node);
        }
    }
}
