package repo.rewards.ota.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.api.RewardSource;
import repo.rewards.api.Sample;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;

/**
 * The configured deterministic rules (RF). Rules are discovered with
 * {@code ServiceLoader<RewardFunctionProvider>}: the built-in ones are listed in this module's
 * {@code META-INF/services/repo.rewards.api.RewardFunctionProvider}; a user adds a rule by shipping a
 * provider and its own services file on the class path.
 *
 * <p>Configuration (YAML): {@code rules: {<rule id>: {enabled: true, points: -30, severity: high,
 * max_findings: 3, <rule parameters>...}}}. Every discovered rule is on with its defaults unless its block
 * says {@code enabled: false}; a block overrides only the keys it names. {@code enabled} and
 * {@code max_findings} (at most this many findings per reply, default 3) are handled here; the rest goes to
 * the provider. Unknown rule ids, unknown parameters and wrong types fail with the file name and key.
 *
 * <p>{@link #evaluate} returns the source {@code "rules"}: value = the sum of the findings' points.
 */
public final class RuleSet implements RewardSource {
    public static final String SOURCE = "rules";
    /** Keys every rule block accepts, handled by the rule set or by {@link RuleSettings}. */
    public static final List<String> COMMON_KEYS = List.of("enabled", "points", "severity", "max_findings");
    /** The built-in rule ids, in evaluation order. */
    public static final List<String> BUILT_IN_IDS = List.of(InternalTermLeak.ID, "price-grounding", "sale-net-confusion",
            "over-promise", "hallucinated-fact", "press-after-accept", "silence-as-consent", "ticket-coverage", "repetition",
            "cot-leak", "mixed-language", "format", "length");
    private static final int DEFAULT_MAX_FINDINGS = 3;

    /** One enabled rule. */
    public record ConfiguredRule(String id, RewardFunction function, int maxFindings) {
    }

    private final List<ConfiguredRule> rules;

    public RuleSet(List<ConfiguredRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<ConfiguredRule> rules() {
        return rules;
    }

    public List<String> ids() {
        return rules.stream().map(ConfiguredRule::id).toList();
    }

    /** Every rule on, with its default settings. */
    public static RuleSet defaults() {
        return fromConfig(null, "<defaults>", Thread.currentThread().getContextClassLoader());
    }

    /** Reads a YAML file holding {@code rules: {...}} (and nothing else). */
    public static RuleSet load(Path yaml) {
        Map<String, Object> top = readYaml(yaml);
        for (String key : top.keySet()) {
            if (!key.equals("rules")) {
                throw new IllegalArgumentException(yaml + ": " + key + ": unknown key; a rules file holds only \"rules\"");
            }
        }
        return fromConfig(top.get("rules"), yaml.toString(), Thread.currentThread().getContextClassLoader());
    }

    /** Reads a YAML file as a mapping, naming the file on failure. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readYaml(Path yaml) {
        try {
            Object o = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(yaml), Object.class);
            if (o == null) {
                return new LinkedHashMap<>();
            }
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException(yaml + ": expected a mapping at the top level");
            }
            return (Map<String, Object>) o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(yaml + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml + ": " + e.getMessage(), e);
        }
    }

    /** Every provider on the class path by rule id (built-ins first, then the others sorted); duplicates fail. */
    public static Map<String, RewardFunctionProvider> discover(ClassLoader loader) {
        Map<String, RewardFunctionProvider> found = new TreeMap<>();
        for (RewardFunctionProvider p : ServiceLoader.load(RewardFunctionProvider.class, loader)) {
            RewardFunctionProvider old = found.put(p.ruleId(), p);
            if (old != null && old.getClass() != p.getClass()) {
                throw new IllegalStateException("two providers claim rule id '" + p.ruleId() + "': " + old.getClass().getName()
                        + " and " + p.getClass().getName());
            }
        }
        Map<String, RewardFunctionProvider> ordered = new LinkedHashMap<>();
        for (String id : BUILT_IN_IDS) {
            if (found.containsKey(id)) {
                ordered.put(id, found.remove(id));
            }
        }
        ordered.putAll(found);
        return ordered;
    }

    /**
     * Builds the rule set from the value of the {@code rules} key.
     *
     * @param rulesBlock a mapping rule id → settings mapping, or null for all defaults
     * @param where the file name for error messages
     */
    @SuppressWarnings("unchecked")
    public static RuleSet fromConfig(Object rulesBlock, String where, ClassLoader loader) {
        Map<String, RewardFunctionProvider> providers = discover(loader);
        Map<String, Object> block;
        if (rulesBlock == null) {
            block = Map.of();
        } else if (rulesBlock instanceof Map) {
            block = (Map<String, Object>) rulesBlock;
        } else {
            throw new IllegalArgumentException(where + ": rules: expected a mapping of rule id to settings, got " + rulesBlock);
        }
        for (String id : block.keySet()) {
            if (!providers.containsKey(id)) {
                throw new IllegalArgumentException(where + ": rules." + id + ": unknown rule id '" + id + "'; known rule ids: "
                        + String.join(", ", providers.keySet()));
            }
        }
        List<ConfiguredRule> rules = new ArrayList<>();
        for (Map.Entry<String, RewardFunctionProvider> e : providers.entrySet()) {
            String id = e.getKey();
            Object raw = block.get(id);
            Map<String, Object> settings;
            if (raw == null) {
                settings = new LinkedHashMap<>();
            } else if (raw instanceof Map) {
                settings = new LinkedHashMap<>((Map<String, Object>) raw);
            } else {
                throw new IllegalArgumentException(where + ": rules." + id + ": expected a mapping of settings, got " + raw);
            }
            String at = where + ": rules." + id;
            Object enabled = settings.remove("enabled");
            if (enabled != null && !(enabled instanceof Boolean)) {
                throw new IllegalArgumentException(at + ".enabled: expected true or false, got " + enabled);
            }
            Object max = settings.remove("max_findings");
            if (max != null && !(max instanceof Integer && (Integer) max >= 1)) {
                throw new IllegalArgumentException(at + ".max_findings: expected an integer >= 1, got " + max);
            }
            RewardFunction f;
            try {
                f = e.getValue().create(settings);
            } catch (RuntimeException ex) {
                String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
                boolean keyed = msg.matches("^[a-z_]+: .*") && settings.containsKey(msg.substring(0, msg.indexOf(':')));
                throw new IllegalArgumentException(at + (keyed ? "." : ": ") + msg, ex);
            }
            if (Boolean.FALSE.equals(enabled)) {
                continue;
            }
            rules.add(new ConfiguredRule(id, f, max == null ? DEFAULT_MAX_FINDINGS : (Integer) max));
        }
        return new RuleSet(rules);
    }

    @Override
    public String name() {
        return SOURCE;
    }

    @Override
    public Kind kind() {
        return Kind.FUNCTION;
    }

    /** Every sample's result, in order ({@link #evaluate(Sample)}). */
    @Override
    public List<SourceResult> score(List<Sample> samples) {
        return samples.stream().map(this::evaluate).toList();
    }

    /** Runs every rule on an OTA item. */
    public SourceResult evaluate(ScoredItem item) {
        return evaluate(OtaTask.sample(item), item);
    }

    /**
     * Runs every rule; the built-in rules read the sample's OTA task, converted once. A rule that throws is a bug,
     * not a score: the exception propagates with the rule's id.
     */
    public SourceResult evaluate(Sample sample) {
        return evaluate(sample, null);
    }

    private SourceResult evaluate(Sample sample, ScoredItem known) {
        long t0 = System.nanoTime();
        List<Finding> all = new ArrayList<>();
        ScoredItem item = known;
        for (ConfiguredRule r : rules) {
            List<Finding> found;
            try {
                if (r.function() instanceof Rule rule) {
                    item = item == null ? OtaTask.item(sample) : item;
                    found = rule.evaluate(item);
                } else {
                    found = r.function().evaluate(sample);
                }
            } catch (RuntimeException ex) {
                throw new IllegalStateException("rule " + r.id() + " threw " + ex, ex);
            }
            if (found != null) {
                all.addAll(found.size() > r.maxFindings() ? found.subList(0, r.maxFindings()) : found);
            }
        }
        double sum = all.stream().mapToDouble(Finding::points).sum();
        return SourceResult.ok(SOURCE, sum, all, (System.nanoTime() - t0) / 1_000_000);
    }
}
