package repo.rewards.combine;

import java.util.List;
import java.util.Map;

/**
 * {@code R = Σ w_source · points_source} over the pipeline's named sources (an ablation baseline: the additive
 * mixing the paper argues against). Missing weights are 1. A failed source counts 0 under
 * {@link OnSourceFailure#USE_REMAINING}. {@code e_enh} is not defined here (null).
 */
public final class WeightedSum implements RewardCombiner {
    private final Map<String, Double> weights;
    private final Roles roles;
    private final List<String> names;
    private final OnSourceFailure policy;

    /** @param names every source of the pipeline, in order; weight keys must be among them */
    public WeightedSum(Map<String, Double> weights, Roles roles, List<String> names, OnSourceFailure policy) {
        checkWeights(weights, names);
        this.weights = Map.copyOf(weights);
        this.roles = roles;
        this.names = List.copyOf(names);
        this.policy = policy;
    }

    /** Refuses a weight for a source the pipeline does not have. */
    static void checkWeights(Map<String, Double> weights, List<String> names) {
        for (String k : weights.keySet()) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("weights." + k + ": unknown source; the sources are " + String.join(", ", names));
            }
        }
    }

    @Override
    public Combined combine(Sources s) {
        List<String> failed = s.failed();
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        double total = 0;
        for (String name : names) {
            Double p = s.points(name);
            total += weights.getOrDefault(name, 1.0) * (p == null ? 0 : p);
        }
        Double r = roles.model() == null ? null : s.points(roles.model());
        return new Combined(total, null, r, s.points(roles.judges()), s.points(roles.functions()), false, failed, null);
    }
}
