package repo.trainer.rl;

import java.io.IOException;
import java.util.List;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.trainer.config.RolloutBackend;
import repo.trainer.config.TrainConfig;

/**
 * Where phase 1 of an RL step gets its replies ({@code rollout.backend}): the in-process {@link Generator} on the
 * policy adapter, or an OpenAI-compatible server ({@link RemoteRollouts}). Either way only the token ids (and the
 * finish reason) are kept: phase 4 recomputes every log-prob itself from those ids, the same forward for both.
 */
@FunctionalInterface
public interface RolloutEngine {
    /** One generation per prompt (model token ids, chat-formatted), in order, sampled from the current policy. */
    List<Generation> generate(List<long[]> prompts, SamplingParams params) throws IOException;

    /** The policy's weights changed (an update, or a restore): the next {@link #generate} must sample the new ones. */
    default void policyChanged() {
    }

    /** The in-process generator on the policy adapter: it reads the live weights, so nothing is published. */
    static RolloutEngine local(RlModels models) {
        return (prompts, params) -> new Generator(models.policy(), models.tokenizer()).generate(prompts, params);
    }

    /** The engine {@code rollout.backend} names; keys come from the environment ({@code System.getenv}). */
    static RolloutEngine of(TrainConfig config, RlModels models) {
        return config.rollout().backend() == RolloutBackend.OPENAI
                ? new RemoteRollouts(config.rollout().openai(), models.tokenizer(), models.model().config().vocabSize(),
                        models::savePolicy, System::getenv)
                : local(models);
    }
}
