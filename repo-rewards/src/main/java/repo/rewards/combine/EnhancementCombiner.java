package repo.rewards.combine;

import java.util.List;
import repo.rewards.api.SourceResult;

/**
 * The REPO enhancement rule (arXiv 2510.04214, §3 of the method): {@code E = clip(E_judge + E_func, -n, n)} and
 * {@code R = R_model + |R_model| * E / n}. The multiplier stays in [0, 2], so the sign of R_model never
 * flips, |R| ≤ 2|R_model|, R is non-decreasing in E, and R_model = 0 gives R = 0.
 *
 * <p>Without an RM (source off) the reward is {@code E / n} in [-1, 1] (a rules/judge-only score, noted
 * in the result). A failed RM always drops the item: there is no base to enhance. A failed judge or rule
 * source follows the {@link OnSourceFailure} policy. With a {@link RunningWhitening}, R_model is whitened
 * with the running statistics before the rule (the sign is then that of the whitened score).
 */
public final class EnhancementCombiner implements RewardCombiner {
    private final double n;
    private final OnSourceFailure policy;
    private final RunningWhitening whitening;

    public EnhancementCombiner(double n, OnSourceFailure policy, RunningWhitening whitening) {
        if (!(n > 0)) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        this.n = n;
        this.policy = policy;
        this.whitening = whitening;
    }

    public EnhancementCombiner(double n) {
        this(n, OnSourceFailure.USE_REMAINING, null);
    }

    /** {@code clip(e, -n, n)}. */
    public static double clip(double e, double n) {
        return Math.max(-n, Math.min(n, e));
    }

    /**
     * {@code R_model + |R_model| * clip(e, -n, n) / n}, computed as {@code R_model * (1 ± E/n)} so that the
     * multiplier is exactly in [0, 2] in floating point too (the sum form can flip the sign of a tiny
     * R_model by one rounding step when E = ±n).
     */
    public static double enhance(double rModel, double e, double n) {
        double ratio = clip(e, n) / n;
        double multiplier = rModel >= 0 ? 1 + ratio : 1 - ratio;
        return rModel * multiplier;
    }

    @Override
    public Combined combine(SourceResult rm, SourceResult judge, SourceResult rules) {
        List<String> failed = RewardCombiner.failed(rm, judge, rules);
        if (rm != null && rm.failed()) {
            return Combined.dropped(failed, "rm failed (" + rm.error() + "): the enhancement rule has no base");
        }
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        Double eJudge = points(judge);
        Double eFunc = points(rules);
        double e = clip((eJudge == null ? 0 : eJudge) + (eFunc == null ? 0 : eFunc), n);
        if (rm == null) {
            return new Combined(e / n, e, null, eJudge, eFunc, false, failed, "no rm: r_total = e_enh / n");
        }
        double x = whitening == null ? rm.value() : whitening.updateAndWhiten(rm.value());
        return new Combined(enhance(x, e, n), e, x, eJudge, eFunc, false, failed, whitening == null ? null : "r_model whitened");
    }

    static Double points(SourceResult s) {
        if (s == null) {
            return null;
        }
        return s.failed() ? 0.0 : s.value();
    }
}
