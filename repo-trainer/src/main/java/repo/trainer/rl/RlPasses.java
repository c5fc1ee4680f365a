package repo.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import repo.core.model.NoGrad;
import repo.trainer.loop.Sequences;

/**
 * The forwards of an RL step, each naming its adapter: the policy's per-token log-probs (and entropies), the base's
 * (KL reference) and the critic's values, over the window of positions that predict reply tokens
 * ({@link Sequences#tokenLogProbs}). Every forward runs without LoRA dropout, so phase 3's old log-probs and the
 * first update's log-probs are the same numbers (the ratio is exactly 1 on the first minibatch).
 */
final class RlPasses {
    private final RlModels models;

    RlPasses(RlModels models) {
        this.models = models;
    }

    /** Right-padded prompt+reply rows of {@code rollouts}. */
    Sequences.Batch batch(List<Rollout> rollouts) {
        return Sequences.batch(models.model().manager(), rollouts.stream().map(Rollout::tokens).toList());
    }

    /** The policy's (B, W) log-probs and, when asked, entropies. */
    Sequences.TokenLogProbs policy(Sequences.Batch b, boolean entropy) {
        return Sequences.tokenLogProbs(models.policy(), b, entropy);
    }

    /** The critic's (B, W) values of the state before each window position's next token. */
    NDArray values(Sequences.Batch b) {
        NDArray hidden = models.critic().hidden(b.ids(), b.mask(), null);                         // (B, T, h)
        return models.valueHead().values(hidden).get(new NDIndex(":, {}:-1", b.offset()));         // (B, W)
    }

    /** Phase 3: the old policy's, the base's and the critic's figures for every rollout, in minibatches, without gradients. */
    List<Rollout.OldPolicy> evaluate(List<Rollout> rollouts, int minibatch) {
        List<Rollout.OldPolicy> out = new ArrayList<>();
        NoGrad.run(() -> {
            for (int i = 0; i < rollouts.size(); i += minibatch) {
                try (NDScope scope = new NDScope()) {
                    Sequences.Batch b = batch(rollouts.subList(i, Math.min(rollouts.size(), i + minibatch)));
                    Sequences.TokenLogProbs pol = policy(b, true);
                    float[][] logp = b.atTargets(pol.logp()), entropy = b.atTargets(pol.entropy());
                    float[][] ref = b.atTargets(Sequences.tokenLogProbs(models.base(), b, false).logp());
                    float[][] values = models.hasCritic() ? b.atTargets(values(b)) : null;
                    for (int r = 0; r < logp.length; r++) {
                        out.add(new Rollout.OldPolicy(logp[r], ref[r], entropy[r], values == null ? null : values[r]));
                    }
                }
            }
        });
        return out;
    }
}
