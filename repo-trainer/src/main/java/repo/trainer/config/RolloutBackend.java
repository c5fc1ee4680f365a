package repo.trainer.config;

/** Where RL replies are sampled ({@code rollout.backend}). */
public enum RolloutBackend {
    /** In this process, from the policy adapter on the training model. */
    LOCAL,
    /**
     * On an OpenAI-compatible completions server ({@code repo serve --allow-lora-loading}, or vLLM with runtime LoRA
     * updating) that loads the policy adapter after every update ({@code rollout.openai}).
     */
    OPENAI
}
