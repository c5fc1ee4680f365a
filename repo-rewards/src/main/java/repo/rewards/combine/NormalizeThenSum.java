package repo.rewards.combine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.rewards.api.SourceResult;

/**
 * GDPO-style: each source is normalised on its own, {@code z = (v - mean) / std}, then the z-scores are
 * summed with weights, so that a source with a large scale (rule points in the hundreds) cannot swamp one
 * with a small scale (an RM score near 1), and distinct reward combinations keep distinct advantages.
 *
 * <ul>
 *   <li>{@link Mode#BATCH} ({@link #combineBatch}): mean and std over the batch's valid values of each
 *       source. A source with zero spread in the batch contributes 0.</li>
 *   <li>{@link Mode#RUNNING} (and every single-item {@link #combine} call): each source has a
 *       {@link RunningWhitening} updated with the item's value, then used to normalise it.</li>
 * </ul>
 * Failed sources are excluded from the statistics and count 0 under {@link OnSourceFailure#USE_REMAINING}.
 * {@code e_enh} is the normalised judge + rules part; {@code r_model}, {@code e_judge}, {@code e_func} are the
 * raw values.
 */
public final class NormalizeThenSum implements RewardCombiner {
    /** Where the statistics come from. */
    public enum Mode { BATCH, RUNNING }

    private final double[] w;
    private final OnSourceFailure policy;
    private final Mode mode;
    private final RunningWhitening[] running = {new RunningWhitening(), new RunningWhitening(), new RunningWhitening()};
    private static final double EPS = 1e-8;

    public NormalizeThenSum(Map<String, Double> weights, OnSourceFailure policy, Mode mode) {
        new WeightedSum(weights, policy); // validates the keys
        this.w = new double[] {weights.getOrDefault("rm", 1.0), weights.getOrDefault("judge", 1.0), weights.getOrDefault("rules", 1.0)};
        this.policy = policy;
        this.mode = mode;
    }

    @Override
    public Combined combine(SourceResult rm, SourceResult judge, SourceResult rules) {
        SourceResult[] s = {rm, judge, rules};
        List<String> failed = RewardCombiner.failed(s);
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        double[] z = new double[3];
        for (int k = 0; k < 3; k++) {
            if (s[k] != null && !s[k].failed()) {
                z[k] = running[k].updateAndWhiten(s[k].value());
            }
        }
        return result(s, z, failed);
    }

    @Override
    public List<Combined> combineBatch(List<Sources> batch) {
        if (mode == Mode.RUNNING) {
            return RewardCombiner.super.combineBatch(batch);
        }
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int k = 0; k < 3; k++) {
            RunningWhitening stats = new RunningWhitening();
            for (Sources b : batch) {
                SourceResult s = pick(b, k);
                if (s != null && !s.failed()) {
                    stats.update(s.value());
                }
            }
            mean[k] = stats.mean();
            std[k] = stats.std();
        }
        List<Combined> out = new ArrayList<>();
        for (Sources b : batch) {
            SourceResult[] s = {b.rm(), b.judge(), b.rules()};
            List<String> failed = RewardCombiner.failed(s);
            if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
                out.add(Combined.dropped(failed, "source failed: " + String.join(", ", failed)));
                continue;
            }
            double[] z = new double[3];
            for (int k = 0; k < 3; k++) {
                if (s[k] != null && !s[k].failed()) {
                    z[k] = std[k] < EPS ? 0 : (s[k].value() - mean[k]) / std[k];
                }
            }
            out.add(result(s, z, failed));
        }
        return out;
    }

    private Combined result(SourceResult[] s, double[] z, List<String> failed) {
        double total = w[0] * z[0] + w[1] * z[1] + w[2] * z[2];
        boolean aux = s[1] != null || s[2] != null;
        return new Combined(total, aux ? w[1] * z[1] + w[2] * z[2] : null, EnhancementCombiner.points(s[0]),
                EnhancementCombiner.points(s[1]), EnhancementCombiner.points(s[2]), false, failed, "normalised " + mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static SourceResult pick(Sources b, int k) {
        return k == 0 ? b.rm() : k == 1 ? b.judge() : b.rules();
    }
}
