package dev.cacheserver.bootstrap.config;

import java.util.regex.Pattern;

/**
 * The name rules. Cache names end up in URLs, directory names and Nix key names, so they are kept to lowercase
 * letters, digits, {@code -} and {@code _} (the original never checked, and its API then refused anything but
 * {@code [a-z0-9]}: bug C17). Storage, workspace and agent names also become path segments or URL parts, so they
 * may use uppercase but nothing else.
 */
final class NameRules {
    static final Pattern CACHE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final String CACHE_RULE =
            "1 to 64 characters: lowercase letters a-z, digits 0-9, '-' and '_', starting with a letter or digit";

    static final Pattern ENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    static final String ENTITY_RULE =
            "1 to 64 characters: letters, digits 0-9, '-' and '_', starting with a letter or digit";

    private NameRules() {
    }
}
