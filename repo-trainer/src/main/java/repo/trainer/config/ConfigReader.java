package repo.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import repo.core.io.StrictYaml;

/**
 * YAML to {@link TrainConfig}: strict parsing ({@link StrictYaml}), {@code --set key.path=value} overrides, the
 * sections each algorithm accepts, binding, and every error as {@code FILE: key.path: what is wrong; expected …}.
 */
final class ConfigReader {
    private static final Set<String> COMMON = Set.of("algorithm", "model", "output", "device", "precision", "seed", "data", "lora",
            "full_parameter", "optim", "train");
    private static final Map<Algorithm, Set<String>> EXTRA = new EnumMap<>(Map.of(
            Algorithm.SFT, Set.of(), Algorithm.RM, Set.of(), Algorithm.DPO, Set.of("dpo"),
            Algorithm.PPO, Set.of("rollout", "ppo", "rewards"), Algorithm.REPO, Set.of("rollout", "ppo", "rewards"),
            Algorithm.GRPO, Set.of("rollout", "ppo", "grpo", "rewards")));
    private static final Set<String> SECTIONS = Set.of("dpo", "rollout", "ppo", "grpo", "rewards");
    private static final String NEEDED = "a YAML mapping with at least algorithm, model, output and data.train";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer())); // as written, not file:// URIs
    private static final ObjectMapper YAML_OUT = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private ConfigReader() {
    }

    static TrainConfig load(Path file, List<String> overrides) {
        return bind(StrictYaml.readTree(file), file.toString(), overrides);
    }

    static TrainConfig parse(String yaml, String origin, List<String> overrides) {
        return bind(StrictYaml.readTree(yaml, origin), origin, overrides);
    }

    /** The configuration as the algorithm reads it: sections (and GRPO's critic keys) it does not use are left out. */
    static JsonNode toJson(TrainConfig c) {
        ObjectNode n = JSON.valueToTree(c);
        n.put("algorithm", c.algorithm().yamlName());
        for (String s : SECTIONS) {
            if (!EXTRA.get(c.algorithm()).contains(s)) {
                n.remove(s);
            }
        }
        if (c.algorithm() == Algorithm.GRPO) {
            ((ObjectNode) n.get("ppo")).remove(TrainConfig.PpoSection.CRITIC_KEYS);
        }
        return n;
    }

    static String toYaml(TrainConfig c) {
        try {
            return YAML_OUT.writeValueAsString(toJson(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as YAML", e);
        }
    }

    private static TrainConfig bind(JsonNode tree, String origin, List<String> overrides) {
        if (tree == null && overrides.isEmpty()) {
            throw new IllegalArgumentException(origin + ": the file is empty; expected " + NEEDED);
        }
        if (tree != null && !tree.isObject()) {
            throw new IllegalArgumentException(origin + ": the top level is " + describe(tree) + "; expected " + NEEDED);
        }
        ObjectNode root = tree == null ? StrictYaml.MAPPER.createObjectNode() : ((ObjectNode) tree).deepCopy();
        for (String o : overrides) {
            Overrides.apply(root, o);
        }
        try {
            sectionsOfAlgorithm(root);
            return StrictYaml.MAPPER.treeToValue(root, TrainConfig.class);
        } catch (ConfigError e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException(origin + ": " + path(e) + ": unknown key; expected one of " + known, e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": " + explain(e, root), e);
        }
    }

    /** Sections an algorithm does not use, and critic keys under GRPO, are errors rather than silently ignored. */
    private static void sectionsOfAlgorithm(ObjectNode root) {
        JsonNode a = root.get("algorithm");
        if (a == null || a.isNull()) {
            throw new ConfigError("algorithm", "missing", "one of " + Algorithm.names());
        }
        Algorithm algorithm = Arrays.stream(Algorithm.values()).filter(x -> a.isTextual() && x.yamlName().equalsIgnoreCase(a.asText()))
                .findFirst().orElseThrow(() -> new ConfigError("algorithm", describe(a) + " is not an algorithm", "one of " + Algorithm.names()));
        Set<String> allowed = EXTRA.get(algorithm);
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (SECTIONS.contains(k) && !allowed.contains(k)) {
                throw new ConfigError(k, "not used by algorithm " + algorithm.yamlName(), allowed.isEmpty() ? "no such section (remove it)"
                        : "only the sections " + String.join(", ", allowed.stream().sorted().toList()) + " besides the common ones");
            }
        }
        JsonNode ppo = root.get("ppo");
        if (algorithm == Algorithm.GRPO && ppo != null && ppo.isObject()) {
            for (String k : TrainConfig.PpoSection.CRITIC_KEYS) {
                if (ppo.has(k)) {
                    throw new ConfigError("ppo." + k, "grpo has no critic, so this key would be ignored", "no ppo." + k
                            + " with algorithm grpo (remove it)");
                }
            }
        }
    }

    /** A binding error in YAML terms: the key path, what was found, and what the key takes. */
    private static String explain(JsonProcessingException e, JsonNode root) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigError c) {
                return c.getMessage();
            }
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String key = path(m);
            JsonNode got = at(root, m);
            return key + ": " + (got == null ? "wrong type" : describe(got) + " has the wrong type") + "; expected " + expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            JsonNode got = at(root, m);
            return path(m) + ": " + (got == null ? "" : describe(got) + " is not valid: ") + firstLine(m.getOriginalMessage())
                    + "; expected a value of the documented type";
        }
        return firstLine(e.getOriginalMessage()) + "; expected " + NEEDED;
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer (no fraction, no quotes)";
        }
        if (type == Double.class || type == double.class) {
            return "a number (no quotes)";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(x -> x.toString().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (type == Path.class || type == String.class) {
            return "a text value (a path or a name)";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys";
    }

    private static JsonNode at(JsonNode root, JsonMappingException e) {
        JsonNode n = root;
        for (JsonMappingException.Reference r : e.getPath()) {
            if (n == null) {
                return null;
            }
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
        }
        return n;
    }

    static String describe(JsonNode n) {
        if (n.isTextual()) {
            return "\"" + n.asText() + "\"";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.toString();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
