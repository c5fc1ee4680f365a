package repo.trainer.config;

import repo.core.model.ModelOptions;

/** Rules that span keys or depend on the algorithm, checked once every section has its defaults. */
final class CrossChecks {
    private CrossChecks() {
    }

    static void check(Algorithm algorithm, ModelOptions.Precision precision, boolean fullParameter, TrainConfig.OptimSection optim,
                      TrainConfig.LoopSection train, TrainConfig.PpoSection ppo, TrainConfig.RewardsSection rewards) {
        String name = algorithm.yamlName();
        if (fullParameter && precision == ModelOptions.Precision.FP16_WEIGHTS) {
            throw new ConfigError("full_parameter", "true with precision FP16_WEIGHTS", "precision FP32 (or FP64) for full-parameter training");
        }
        if (fullParameter && algorithm.isRl()) {
            throw new ConfigError("full_parameter", "true is not supported by algorithm " + name,
                    "false (policy and critic are LoRA adapters on one frozen base)");
        }
        if (fullParameter && train.logitsChunk() > 0) {
            throw new ConfigError("train.logits_chunk", train.logitsChunk() + " with full_parameter: true (a chunked LM head "
                    + "recomputes its softmax in the backward and needs the head frozen; full-parameter training trains it)", "0");
        }
        if (optim.warmupSteps() > train.maxSteps()) {
            throw new ConfigError("optim.warmup_steps", optim.warmupSteps() + " is more than train.max_steps (" + train.maxSteps() + ")",
                    "an integer in [0, " + train.maxSteps() + "]");
        }
        if (algorithm == Algorithm.GRPO && ppo.klMode() == TrainConfig.KlMode.REWARD) {
            throw new ConfigError("ppo.kl_mode", "reward is not available with algorithm grpo (its advantages are one number per reply, "
                    + "with no per-token reward to penalise)", "none or loss");
        }
        if ((algorithm == Algorithm.PPO || algorithm == Algorithm.REPO) && ppo.criticInit() == TrainConfig.CriticInit.RM
                && rewards.rmHead() == null) {
            throw new ConfigError("ppo.critic_init", "rm without rewards.rm_head", "rewards.rm_head set to the RM's "
                    + "score_head.safetensors, or critic_init random");
        }
        if (rewards.rmAdapter() != null && rewards.rmHead() == null) {
            throw new ConfigError("rewards.rm_adapter", "set without rewards.rm_head", "both (the RM trainer's final/adapter and "
                    + "final/score_head.safetensors), or neither");
        }
    }
}
