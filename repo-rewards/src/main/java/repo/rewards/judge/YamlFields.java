package repo.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Strict reading of one YAML mapping: every error names the file and the dotted key
 * ({@code configs/judge.yaml: openai.timeout_ms: expected a positive integer, got "soon"}), and unknown keys
 * are errors (a misspelt key must not silently fall back to a default).
 */
final class YamlFields {
    static final ObjectMapper YAML = repo.core.io.StrictYaml.MAPPER; // duplicate keys are errors

    private final String origin;
    private final String path;
    private final JsonNode node;

    private YamlFields(String origin, String path, JsonNode node) {
        this.origin = origin;
        this.path = path;
        this.node = node;
    }

    /** Parses a YAML document whose top level must be a mapping. */
    static YamlFields parse(String yaml, String origin) {
        JsonNode root = repo.core.io.StrictYaml.readTree(yaml, origin);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(origin + ": expected a YAML mapping at the top level");
        }
        return new YamlFields(origin, "", root);
    }

    static YamlFields read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    String origin() {
        return origin;
    }

    IllegalArgumentException error(String key, String message) {
        return new IllegalArgumentException(origin + ": " + path + key + ": " + message);
    }

    void allowOnly(String... keys) {
        List<String> known = Arrays.asList(keys);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error(k, "unknown key (known keys here: " + String.join(", ", known) + ")");
            }
        }
    }

    boolean has(String key) {
        return node.hasNonNull(key);
    }

    String text(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "is required");
        }
        if (!v.isTextual()) {
            throw error(key, "expected a string, got " + v);
        }
        return v.asText();
    }

    String text(String key, String dflt) {
        return has(key) ? text(key) : dflt;
    }

    double number(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "is required");
        }
        if (!v.isNumber()) {
            throw error(key, "expected a number, got " + v);
        }
        return v.asDouble();
    }

    double number(String key, double dflt) {
        return has(key) ? number(key) : dflt;
    }

    int integer(String key, int dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(key, "expected an integer, got " + v);
        }
        return v.asInt();
    }

    long positiveLong(String key, long dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || v.asLong() <= 0) {
            throw error(key, "expected a positive integer, got " + v);
        }
        return v.asLong();
    }

    boolean bool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    /** One string or a list of strings under key; empty when absent. */
    List<String> strings(String key) {
        if (!has(key)) {
            return List.of();
        }
        JsonNode v = node.get(key);
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a string or a non-empty list of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw error(key, "expected a string or a non-empty list of strings, got " + v);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A nested mapping, or null when absent. */
    YamlFields object(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isObject()) {
            throw error(key, "expected a mapping, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return new YamlFields(origin, path + key + ".", v);
    }

    /** The raw JSON value under key (used for pass-through blocks), or null. */
    JsonNode raw(String key) {
        return node.get(key);
    }

    /** A list of mappings, required and non-empty. */
    List<YamlFields> objects(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(key, "is required");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw error(key, "expected a non-empty list");
        }
        List<YamlFields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                throw new IllegalArgumentException(origin + ": " + path + key + "[" + i + "]: expected a mapping, got " + e);
            }
            out.add(new YamlFields(origin, path + key + "[" + i + "].", e));
        }
        return out;
    }
}
