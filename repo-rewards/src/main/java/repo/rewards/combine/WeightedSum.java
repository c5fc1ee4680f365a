package repo.rewards.combine;

import java.util.List;
import java.util.Map;
import java.util.Set;
import repo.rewards.api.SourceResult;

/**
 * {@code R = w_rm * R_model + w_judge * E_judge + w_rules * E_func} over the sources that are on (an
 * ablation baseline: the additive mixing the paper argues against). Missing weights are 1. A failed source
 * counts 0 under {@link OnSourceFailure#USE_REMAINING}. {@code e_enh} is not defined here (null).
 */
public final class WeightedSum implements RewardCombiner {
    /** The weight keys. */
    public static final Set<String> KEYS = Set.of("rm", "judge", "rules");
    private final double wRm;
    private final double wJudge;
    private final double wRules;
    private final OnSourceFailure policy;

    public WeightedSum(Map<String, Double> weights, OnSourceFailure policy) {
        for (String k : weights.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("weights." + k + ": unknown source; expected rm, judge, rules");
            }
        }
        this.wRm = weights.getOrDefault("rm", 1.0);
        this.wJudge = weights.getOrDefault("judge", 1.0);
        this.wRules = weights.getOrDefault("rules", 1.0);
        this.policy = policy;
    }

    @Override
    public Combined combine(SourceResult rm, SourceResult judge, SourceResult rules) {
        List<String> failed = RewardCombiner.failed(rm, judge, rules);
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        Double r = EnhancementCombiner.points(rm);
        Double j = EnhancementCombiner.points(judge);
        Double f = EnhancementCombiner.points(rules);
        double total = wRm * (r == null ? 0 : r) + wJudge * (j == null ? 0 : j) + wRules * (f == null ? 0 : f);
        return new Combined(total, null, r, j, f, false, failed, null);
    }
}
