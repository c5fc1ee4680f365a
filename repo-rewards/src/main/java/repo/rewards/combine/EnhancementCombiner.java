package repo.rewards.combine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import repo.rewards.api.SourceResult;

/**
 * The REPO enhancement rule (arXiv 2510.04214, §3 of the method): {@code E = clip(E_judge + E_func, -n, n)} and
 * {@code R = R_model + |R_model| * E / n}. The multiplier stays in [0, 2], so the sign of R_model never
 * flips, |R| ≤ 2|R_model|, R is non-decreasing in E, and R_model = 0 gives R = 0.
 *
 * <p>Without an RM (source off) the reward is {@code E / n} in [-1, 1] (a rules/judge-only score, noted
 * in the result). Which source is R_model and which sources feed E (summed) is named by {@link Roles}. A failed
 * RM always drops the item: there is no base to enhance. A failed judge or rule source follows the
 * {@link OnSourceFailure} policy. With a {@link RunningWhitening}, R_model is whitened
 * with the running statistics before the rule (the sign is then that of the whitened score).
 */
public final class EnhancementCombiner implements RewardCombiner {
    private final double n;
    private final Roles roles;
    private final OnSourceFailure policy;
    private final RunningWhitening whitening;

    /**
     * @param roles which source is R_model and which feed E
     * @param whitening running statistics R_model is whitened with, or null
     */
    public EnhancementCombiner(double n, Roles roles, OnSourceFailure policy, RunningWhitening whitening) {
        if (!(n > 0)) {
            throw new IllegalArgumentException("n must be > 0, got " + n);
        }
        this.n = n;
        this.roles = roles;
        this.policy = policy;
        this.whitening = whitening;
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
    public Combined combine(Sources s) {
        List<String> failed = s.failed();
        SourceResult rm = roles.model() == null ? null : s.get(roles.model());
        if (rm != null && rm.failed()) {
            return Combined.dropped(failed, roles.model() + " failed (" + rm.error() + "): the enhancement rule has no base");
        }
        if (!failed.isEmpty() && policy == OnSourceFailure.DROP_SAMPLE) {
            return Combined.dropped(failed, "source failed: " + String.join(", ", failed));
        }
        Double eJudge = s.points(roles.judges());
        Double eFunc = s.points(roles.functions());
        double e = clip((eJudge == null ? 0 : eJudge) + (eFunc == null ? 0 : eFunc), n);
        if (rm == null) {
            return new Combined(e / n, e, null, eJudge, eFunc, false, failed, "no rm: r_total = e_enh / n");
        }
        double x = whitening == null ? rm.value() : whitening.updateAndWhiten(rm.value());
        return new Combined(enhance(x, e, n), e, x, eJudge, eFunc, false, failed, whitening == null ? null : "r_model whitened");
    }

    @Override
    public JsonNode state() {
        if (whitening == null) {
            return null;
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("r_model_whitening", whitening.state());
        return o;
    }

    @Override
    public void restore(JsonNode state) {
        if (whitening != null) {
            whitening.restore(state == null ? null : state.get("r_model_whitening"));
        }
    }
}
