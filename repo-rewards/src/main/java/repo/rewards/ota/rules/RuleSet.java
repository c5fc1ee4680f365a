package repo.rewards.ota.rules;

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
import repo.rewards.ota.Turn;
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

    /** Longest reply the rules accept, in code points (a longer one fails the source with a clear error). */
    public static final int DEFAULT_MAX_REPLY_CHARS = 200_000;
    /** Evidence text is cut to this many code points; the span [begin, end) keeps the full length. */
    public static final int MAX_EVIDENCE_CHARS = Finding.Evidence.MAX_TEXT_CODE_POINTS;

    private final List<ConfiguredRule> rules;
    private final int maxReplyChars;

    public RuleSet(List<ConfiguredRule> rules) {
        this(rules, DEFAULT_MAX_REPLY_CHARS);
    }

    private RuleSet(List<ConfiguredRule> rules, int maxReplyChars) {
        if (maxReplyChars < 1) {
            throw new IllegalArgumentException("max reply length: expected a count of code points >= 1, got " + maxReplyChars);
        }
        this.rules = List.copyOf(rules);
        this.maxReplyChars = maxReplyChars;
    }

    /** The same rules with another reply length cap (code points). */
    public RuleSet withMaxReplyChars(int max) {
        return new RuleSet(rules, max);
    }

    public int maxReplyChars() {
        return maxReplyChars;
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
        com.fasterxml.jackson.databind.JsonNode tree = repo.core.io.StrictYaml.readTree(yaml); // duplicate keys are errors
        if (tree == null) {
            return new LinkedHashMap<>();
        }
        if (!tree.isObject()) {
            throw new IllegalArgumentException(yaml + ": expected a mapping at the top level");
        }
        return repo.core.io.StrictYaml.MAPPER.convertValue(tree, Map.class);
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

    /**
     * Runs every rule; a rule that throws makes the whole source fail (never a silent zero), and so does a reply
     * longer than {@link #maxReplyChars()} code points. The rules see the reply and the history with traditional
     * characters mapped to simplified ones ({@link Texts#simplified}); evidence spans come back as code-point
     * offsets into the original reply, their text cut to {@link #MAX_EVIDENCE_CHARS} code points.
     */
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
        String reply = sample.completion() == null ? "" : sample.completion();
        if (reply.length() > maxReplyChars && reply.codePointCount(0, reply.length()) > maxReplyChars) {
            return SourceResult.failure(SOURCE, "reply of " + reply.codePointCount(0, reply.length()) + " code points is longer than "
                    + "the " + maxReplyChars + " the rules accept; shorten it (RuleSet.withMaxReplyChars raises the cap)", 0);
        }
        List<Finding> all = new ArrayList<>();
        ScoredItem item = known, seen = null; // the OTA item with traditional characters simplified, built on first use
        for (ConfiguredRule r : rules) {
            List<Finding> found;
            try {
                if (r.function() instanceof Rule rule) {
                    seen = seen == null ? simplifiedView(item == null ? OtaTask.item(sample) : item) : seen;
                    found = rule.evaluate(seen);
                } else {
                    found = r.function().evaluate(sample);
                }
            } catch (RuntimeException ex) {
                throw new IllegalStateException("rule " + r.id() + " threw " + ex, ex);
            }
            if (found != null) {
                for (Finding f : found.size() > r.maxFindings() ? found.subList(0, r.maxFindings()) : found) {
                    all.add(inCodePoints(f, reply));
                }
            }
        }
        double sum = all.stream().mapToDouble(Finding::points).sum();
        return SourceResult.ok(SOURCE, sum, all, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The item with traditional characters of reply and history mapped to simplified (same UTF-16 offsets). */
    static ScoredItem simplifiedView(ScoredItem item) {
        List<Turn> history = new ArrayList<>(item.history().size());
        for (Turn t : item.history()) {
            history.add(new Turn(t.role(), Texts.simplified(t.content()), t.sopStage()));
        }
        return new ScoredItem(item.id(), item.task(), history, Texts.simplified(item.reply()), item.extra());
    }

    /** A rule's UTF-16 span as code points of the original reply, its text bounded ({@link Finding.Evidence#ofUtf16}). */
    static Finding inCodePoints(Finding f, String reply) {
        Finding.Evidence e = f.evidence();
        if (e == null || e.begin() < 0 || e.end() > reply.length() || e.begin() > e.end()) {
            return f;
        }
        return new Finding(f.ruleId(), f.severity(), f.points(), f.message(), Finding.Evidence.ofUtf16(reply, e.begin(), e.end()));
    }
}
