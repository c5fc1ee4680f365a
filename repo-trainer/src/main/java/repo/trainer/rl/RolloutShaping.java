package repo.trainer.rl;

import java.util.ArrayList;
import java.util.List;
import repo.trainer.algo.RewardShaping;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;

/**
 * Phase 3 of an RL step: what each reply's reward becomes before the update. {@code ppo.reward_clip} clips it;
 * a reply cut at {@code max_new_tokens} is scored as is, penalised or masked ({@code rollout.overlong}); GRPO
 * groups whose rewards do not differ are counted and, with {@code grpo.dynamic_sampling}, left out (DAPO).
 */
final class RolloutShaping {
    private RolloutShaping() {
    }

    /**
     * The shaped replies and the step's figures.
     *
     * @param truncationRate share of replies cut at max_new_tokens
     * @param zeroSpreadShare GRPO: share of groups without reward spread (NaN otherwise)
     */
    record Shaped(List<Rollout.Scored> scored, double truncationRate, double zeroSpreadShare) {
    }

    static Shaped shape(TrainConfig config, List<Rollout.Scored> scored) {
        TrainConfig.RolloutSection ro = config.rollout();
        boolean[] truncated = new boolean[scored.size()];
        List<Rollout.Scored> out = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            Rollout.Scored s = scored.get(i);
            truncated[i] = s.rollout().truncated();
            if (s.reward() == null) {
                out.add(s);
                continue;
            }
            RewardShaping.Shaped r = RewardShaping.shape(s.reward(), truncated[i], config.ppo().rewardClip(), ro.overlong(),
                    ro.overlongPenalty());
            out.add(new Rollout.Scored(s.rollout(), s.trace(), r.reward(), r.trained()));
        }
        double zeroSpread = Double.NaN;
        if (config.algorithm() == Algorithm.GRPO) {
            int g = config.grpo().groupSize();
            List<double[]> groups = new ArrayList<>();
            for (int start = 0; start < out.size(); start += g) {
                groups.add(out.subList(start, start + g).stream().filter(s -> s.reward() != null && s.trained())
                        .mapToDouble(Rollout.Scored::reward).toArray());
            }
            boolean[] informative = RewardShaping.informativeGroups(groups, 1e-6);
            zeroSpread = RewardShaping.droppedShare(informative);
            if (config.grpo().dynamicSampling()) {
                for (int k = 0; k < informative.length; k++) {
                    for (int i = k * g; !informative[k] && i < k * g + g; i++) {
                        Rollout.Scored s = out.get(i);
                        out.set(i, new Rollout.Scored(s.rollout(), s.trace(), s.reward(), false));
                    }
                }
            }
        }
        return new Shaped(out, RewardShaping.truncationRate(truncated), zeroSpread);
    }
}
