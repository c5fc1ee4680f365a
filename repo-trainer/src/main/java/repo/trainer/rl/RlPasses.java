package repo.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import repo.core.model.DeferredBackward;
import repo.core.model.Forward;
import repo.core.model.NoGrad;
import repo.trainer.algo.PolicyLoss;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.Sequences;

/**
 * The forwards of an RL step, each naming its adapter: the policy's per-token log-probs (and entropies), the base's
 * (KL reference) and the critic's values, over the window of positions that predict reply tokens
 * ({@link Sequences#tokenLogProbs}) at the sampling temperature T ({@code log_softmax(logits / T)}). Every forward runs
 * without LoRA dropout and phase 3 batches the first epoch's micro-batches exactly as the update does, so phase 3's
 * old log-probs and the first update's log-probs are the same numbers (the ratio is exactly 1 on the first minibatch).
 */
final class RlPasses {
    private final RlModels models;
    private final TrainConfig.RolloutSection sampling;

    RlPasses(RlModels models) {
        this.models = models;
        this.sampling = models.config.rollout();
    }

    /** Right-padded prompt+reply rows of {@code rollouts}. */
    Sequences.Batch batch(List<Rollout> rollouts) {
        return Sequences.batch(models.model().manager(), rollouts.stream().map(Rollout::tokens).toList());
    }

    /**
     * The policy's (B, W) log-probs and, when asked, entropies, from {@code log_softmax(logits / T)} at the sampling
     * temperature; a training forward saves memory as {@code train.gradient_checkpointing} and {@code train.logits_chunk}
     * say, deferring part of its backward to {@code rest}.
     */
    Sequences.TokenLogProbs policy(Sequences.Batch b, boolean entropy, DeferredBackward rest) {
        return Sequences.tokenLogProbs(saving(models.policy(), rest), b, entropy, sampling.temperature());
    }

    private Forward saving(Forward pass, DeferredBackward rest) {
        return pass.saving(models.config.train().memory(), rest);
    }

    /** Whether top-k or top-p filter the sampling distribution (then the trainer's π_T is off-policy by a measured amount). */
    boolean filtered() {
        return sampling.topK() > 0 || sampling.topP() < 1;
    }

    /** The critic's (B, W) values of the state before each window position's next token (checkpointed as the policy). */
    NDArray values(Sequences.Batch b, DeferredBackward rest) {
        NDArray hidden = saving(models.critic(), rest).hidden(b.ids(), b.mask(), null);           // (B, T, h)
        return models.valueHead().values(hidden).get(new NDIndex(":, {}:-1", b.offset()));         // (B, W)
    }

    /** Phase 3 for {@code rollouts} in minibatches of {@code minibatch}, in order. */
    List<Rollout.OldPolicy> evaluate(List<Rollout> rollouts, int minibatch) {
        List<List<Rollout>> chunks = new ArrayList<>();
        for (int i = 0; i < rollouts.size(); i += minibatch) {
            chunks.add(rollouts.subList(i, Math.min(rollouts.size(), i + minibatch)));
        }
        return evaluate(chunks);
    }

    /**
     * Phase 3: the old policy's, the base's and the critic's figures for every rollout of {@code chunks}, one batch per
     * chunk, without gradients, in the chunks' order. The policy and the base read the sampling temperature.
     */
    List<Rollout.OldPolicy> evaluate(List<List<Rollout>> chunks) {
        List<Rollout.OldPolicy> out = new ArrayList<>();
        double t = sampling.temperature();
        DeferredBackward none = new DeferredBackward();    // without gradients nothing is deferred
        NoGrad.run(() -> {
            for (List<Rollout> chunk : chunks) {
                try (NDScope scope = new NDScope()) {
                    Sequences.Batch b = batch(chunk);
                    Forward policy = saving(models.policy(), none);
                    NDArray hidden = policy.hidden(b.ids(), b.mask(), null);                      // (B, T, h)
                    // the update's own computation (whole or chunked head), so its first ratio is exactly 1; an
                    // unchunked head's window logits also give the sampling filter's KL, without a second LM-head pass
                    NDArray logits = policy.memory().logitsChunk() == 0 ? Sequences.windowLogits(policy, hidden, b) : null; // (B, W, V)
                    Sequences.TokenLogProbs pol = logits != null ? Sequences.tokenLogProbs(logits, b, true, t)
                            : Sequences.tokenLogProbs(policy, hidden, b, true, t);
                    float[][] logp = b.atTargets(pol.logp()), entropy = b.atTargets(pol.entropy());
                    float[][] filter = filtered() ? filterKl(logits != null ? logits : Sequences.windowLogits(policy, hidden, b), b) : null;
                    float[][] ref = b.atTargets(Sequences.tokenLogProbs(saving(models.base(), none), b, false, t).logp());
                    float[][] values = models.hasCritic() ? b.atTargets(values(b, none)) : null;
                    for (int r = 0; r < logp.length; r++) {
                        out.add(new Rollout.OldPolicy(logp[r], ref[r], entropy[r], values == null ? null : values[r],
                                filter == null ? null : filter[r]));
                    }
                }
            }
        });
        return out;
    }

    /** Per-token KL between the sampling distribution (top-k/top-p filtered) and the policy at T, from (B, W, V) window logits. */
    private float[][] filterKl(NDArray logits, Sequences.Batch b) {
        return b.atTargets(PolicyLoss.samplingFilterKl(logits, sampling.temperature(), sampling.topK(), sampling.topP()));
    }
}
