package repo.rewards.combine;

import java.util.List;
import java.util.Map;

/** The combiners a pipeline config can name ({@code combiner.kind}: enhancement, weighted_sum, normalize_then_sum). */
public enum CombinerKind {
    /** {@link EnhancementCombiner}: REPO's bounded multiplicative enhancement of the RM. */
    ENHANCEMENT,
    /** {@link WeightedSum}: additive baseline. */
    WEIGHTED_SUM,
    /** {@link NormalizeThenSum} in batch mode: GDPO-style per-source normalisation. */
    NORMALIZE_THEN_SUM;

    /**
     * Builds the combiner over sources {@code names} with {@code roles}; {@code n} and {@code whitenRm} are used by
     * ENHANCEMENT, {@code weights} by the other two.
     */
    public RewardCombiner create(double n, Map<String, Double> weights, OnSourceFailure policy, boolean whitenRm, Roles roles,
                                 List<String> names) {
        return switch (this) {
            case ENHANCEMENT -> new EnhancementCombiner(n, roles, policy, whitenRm ? new RunningWhitening() : null);
            case WEIGHTED_SUM -> new WeightedSum(weights, roles, names, policy);
            case NORMALIZE_THEN_SUM -> new NormalizeThenSum(weights, roles, names, policy, NormalizeThenSum.Mode.BATCH);
        };
    }
}
