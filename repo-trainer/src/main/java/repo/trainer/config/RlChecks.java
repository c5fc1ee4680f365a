package repo.trainer.config;

/**
 * Per-algorithm checks of the RL keys: a setting the chosen algorithm cannot honour is an error naming the key,
 * never silently ignored.
 */
final class RlChecks {
    private RlChecks() {
    }

    /** Called from TrainConfig's compact constructor, so it takes the (defaulted) sections, not the record. */
    static void check(Algorithm a, TrainConfig.DataSection data, TrainConfig.RolloutSection rollout, TrainConfig.PpoSection p,
                      TrainConfig.GrpoSection grpo, TrainConfig.RewardsSection rewards) {
        boolean rl = a == Algorithm.PPO || a == Algorithm.GRPO || a == Algorithm.REPO;
        if (!rl) {
            return;
        }
        String name = a.yamlName();
        // lora.dropout is not checked: RL forwards run without LoRA dropout whatever it says (see RlMethod)
        if (a == Algorithm.GRPO) {
            // ppo.kl_mode reward with GRPO is refused by CrossChecks
            if (p.criticInit() != TrainConfig.CriticInit.RANDOM || p.criticLr() != null || p.criticWarmupSteps() > 0) {
                fail("ppo.critic_init, ppo.critic_lr and ppo.critic_warmup_steps: GRPO has no critic");
            }
        } else if (grpo.dynamicSampling()) {
            fail("grpo.dynamic_sampling: " + name + " samples one reply per prompt, so there are no groups to filter");
        }
        if (rollout.evalEvery() > 0 && data.eval() == null) {
            fail("rollout.eval_every " + rollout.evalEvery() + " needs data.eval, a held-out prompt file");
        }
        if (rewards.rmCentre() != repo.rewards.rm.ScoreStats.Centring.NONE && rewards.rmHead() == null) {
            fail("rewards.rm_centre " + rewards.rmCentre().name().toLowerCase(java.util.Locale.ROOT)
                    + " needs rewards.rm_head (its folder holds the RM's score_stats.json)");
        }
    }

    private static void fail(String message) {
        throw new IllegalArgumentException(message);
    }
}
