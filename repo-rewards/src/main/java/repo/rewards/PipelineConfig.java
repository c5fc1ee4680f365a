package repo.rewards;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import repo.rewards.api.RewardSource;
import repo.rewards.combine.CombinerKind;
import repo.rewards.combine.Roles;
import repo.rewards.combine.OnSourceFailure;
import repo.rewards.combine.RewardCombiner;
import repo.rewards.ota.rules.RuleSet;

/**
 * Which reward sources are on and how they are combined. YAML (every key optional; defaults shown):
 * <pre>{@code
 * sources: {rm: false, judge: false, rules: true}
 * combiner: {kind: enhancement, n: 100, whiten_rm: false, weights: {rm: 1.0, judge: 1.0, rules: 1.0},
 *            model: rm, enhance: [judge, rules]}    # roles; defaults: the RM, and every judge and rule source
 * on_source_failure: use_remaining      # or drop_sample
 * rules: {...}                          # see RuleSet
 * }</pre>
 *
 * @param rm whether the reward model is on (then one must be given to the pipeline)
 * @param judge whether the LLM judge is on (then one must be given to the pipeline)
 * @param rules whether the rules are on
 * @param combiner which combiner
 * @param n the enhancement bound n (enhancement combiner)
 * @param whitenRm whiten R_model with running statistics before the enhancement
 * @param weights per-source weights (weighted_sum, normalize_then_sum)
 * @param onSourceFailure what to do when a source fails for an item
 * @param rulesBlock the raw {@code rules} mapping (null = all defaults)
 * @param origin the file it came from, for messages
 * @param model the source whose score is R_model ({@code combiner.model}), or null for the one reward model
 * @param enhance the sources that feed the enhancement E ({@code combiner.enhance}), or null for every judge and rule source
 */
public record PipelineConfig(boolean rm, boolean judge, boolean rules, CombinerKind combiner, double n, boolean whitenRm,
                             Map<String, Double> weights, OnSourceFailure onSourceFailure, Map<String, Object> rulesBlock, String origin,
                             String model, List<String> enhance) {
    private static final Set<String> TOP = Set.of("sources", "combiner", "on_source_failure", "rules");
    /** The names of the three configurable sources. */
    public static final String RM = "rm", JUDGE = "judge", RULES = "rules";

    public PipelineConfig {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        enhance = enhance == null ? null : List.copyOf(enhance);
    }

    /** A config whose roles are the defaults (the RM is R_model; judge and rules feed E). */
    public PipelineConfig(boolean rm, boolean judge, boolean rules, CombinerKind combiner, double n, boolean whitenRm,
                          Map<String, Double> weights, OnSourceFailure onSourceFailure, Map<String, Object> rulesBlock, String origin) {
        this(rm, judge, rules, combiner, n, whitenRm, weights, onSourceFailure, rulesBlock, origin, null, null);
    }

    /**
     * The sources this config turns on, in the order rm, judge, rules: {@code rm} and {@code judge} are the caller's
     * (required when on, ignored when off); the rules source is {@link #ruleSet()}.
     */
    public List<RewardSource> sources(RewardSource rmSource, RewardSource judgeSource) {
        if (rm && rmSource == null) {
            throw new IllegalArgumentException(origin + ": sources.rm is on but no reward model was given");
        }
        if (judge && judgeSource == null) {
            throw new IllegalArgumentException(origin + ": sources.judge is on but no judge was given");
        }
        if (!rm && !judge && !rules) {
            throw new IllegalArgumentException(origin + ": every source is off; turn on at least one of sources.rm, judge, rules");
        }
        List<RewardSource> out = new ArrayList<>();
        if (rm) {
            out.add(rmSource);
        }
        if (judge) {
            out.add(judgeSource);
        }
        if (rules) {
            out.add(ruleSet());
        }
        return out;
    }

    /** RM and judge off, rules on with their defaults, enhancement with n = 100, use the remaining sources on failure. */
    public static PipelineConfig defaults() {
        return new PipelineConfig(false, false, true, CombinerKind.ENHANCEMENT, 100, false, Map.of(), OnSourceFailure.USE_REMAINING,
                null, "<defaults>");
    }

    /** A copy with the sources switched as given. */
    public PipelineConfig withSources(boolean rmOn, boolean judgeOn, boolean rulesOn) {
        return new PipelineConfig(rmOn, judgeOn, rulesOn, combiner, n, whitenRm, weights, onSourceFailure, rulesBlock, origin, model, enhance);
    }

    /** A copy with R_model whitened by running statistics (or not). */
    public PipelineConfig withWhitenRm(boolean on) {
        return new PipelineConfig(rm, judge, rules, combiner, n, on, weights, onSourceFailure, rulesBlock, origin, model, enhance);
    }

    /** The rule set this config describes, found through ServiceLoader. */
    public RuleSet ruleSet() {
        return RuleSet.fromConfig(rulesBlock, origin, Thread.currentThread().getContextClassLoader());
    }

    /** The configured combiner over {@code sources}, with the roles {@code combiner.model} and {@code combiner.enhance} name. */
    public RewardCombiner newCombiner(List<RewardSource> sources) {
        Roles roles = Roles.of(sources, model, enhance, origin);
        return combiner.create(n, weights, onSourceFailure, whitenRm, roles, sources.stream().map(RewardSource::name).toList());
    }

    /** Reads and validates a pipeline YAML; errors name the file and the key. */
    @SuppressWarnings("unchecked")
    public static PipelineConfig load(Path file) {
        String at = file.toString();
        Map<String, Object> top = RuleSet.readYaml(file);
        for (String k : top.keySet()) {
            if (!TOP.contains(k)) {
                throw new IllegalArgumentException(at + ": " + k + ": unknown key; expected sources, combiner, on_source_failure, rules");
            }
        }
        PipelineConfig d = defaults();
        Map<String, Object> sources = map(top, "sources", at);
        check(sources, Set.of("rm", "judge", "rules"), at, "sources");
        Map<String, Object> comb = map(top, "combiner", at);
        check(comb, Set.of("kind", "n", "whiten_rm", "weights", "model", "enhance"), at, "combiner");
        Map<String, Object> w = map(comb, "weights", at + ": combiner");
        check(w, Set.of("rm", "judge", "rules"), at, "combiner.weights");
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : w.entrySet()) {
            weights.put(e.getKey(), number(e.getValue(), at, "combiner.weights." + e.getKey()));
        }
        CombinerKind kind = comb.containsKey("kind") ? enumValue(CombinerKind.class, comb.get("kind"), at, "combiner.kind") : d.combiner();
        double n = comb.containsKey("n") ? number(comb.get("n"), at, "combiner.n") : d.n();
        if (!(n > 0)) {
            throw new IllegalArgumentException(at + ": combiner.n: expected a number > 0, got " + comb.get("n"));
        }
        OnSourceFailure policy = top.containsKey("on_source_failure")
                ? enumValue(OnSourceFailure.class, top.get("on_source_failure"), at, "on_source_failure") : d.onSourceFailure();
        Object rules = top.get("rules");
        if (rules != null && !(rules instanceof Map)) {
            throw new IllegalArgumentException(at + ": rules: expected a mapping of rule id to settings");
        }
        PipelineConfig c = new PipelineConfig(bool(sources, "rm", d.rm(), at, "sources"), bool(sources, "judge", d.judge(), at, "sources"),
                bool(sources, "rules", d.rules(), at, "sources"), kind, n, bool(comb, "whiten_rm", false, at, "combiner"), weights, policy,
                (Map<String, Object>) rules, at, name(comb.get("model"), at, "combiner.model"), names(comb.get("enhance"), at));
        c.ruleSet(); // validate the rules block now, not at scoring time
        return c;
    }

    private static String name(Object v, String at, String key) {
        if (v == null || v instanceof String s && Set.of(RM, JUDGE, RULES).contains(s)) {
            return (String) v;
        }
        throw new IllegalArgumentException(at + ": " + key + ": expected one of rm, judge, rules, got " + v);
    }

    private static List<String> names(Object v, String at) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(at + ": combiner.enhance: expected a list of source names, got " + v);
        }
        return l.stream().map(x -> name(x, at, "combiner.enhance")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key, String at) {
        Object v = m.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException(at + ": " + key + ": expected a mapping, got " + v);
        }
        return (Map<String, Object>) v;
    }

    private static void check(Map<String, Object> m, Set<String> known, String at, String where) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(at + ": " + where + "." + k + ": unknown key; expected one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static boolean bool(Map<String, Object> m, String key, boolean def, String at, String where) {
        Object v = m.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(at + ": " + where + "." + key + ": expected true or false, got " + v);
    }

    private static double number(Object v, String at, String key) {
        if (v instanceof Number num) {
            return num.doubleValue();
        }
        throw new IllegalArgumentException(at + ": " + key + ": expected a number, got " + v);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, Object v, String at, String key) {
        List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (v instanceof String s) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(at + ": " + key + ": expected one of " + String.join(", ", names) + ", got " + v);
    }
}
