package repo.trainer.rl;

import java.util.Arrays;
import repo.core.generate.FinishReason;
import repo.rewards.api.Sample;
import repo.rewards.trace.RewardTrace;
import repo.trainer.loop.Sequences;

/**
 * Phase 1 of an RL step: one sampled completion of a prompt, as the sample (prompt, completion, metadata) and as
 * tokens (prompt then reply; the reply tokens are the targets). The later phases add typed records around it.
 *
 * @param sample the prompt sample with its completion
 * @param tokens prompt + reply ids, targets on the reply
 * @param promptLength tokens of the prompt
 * @param finish why generation ended ({@link FinishReason#LENGTH}: cut at {@code max_new_tokens})
 */
public record Rollout(Sample sample, Sequences.Tokens tokens, int promptLength, FinishReason finish) {

    /** Whether the reply was cut at the token limit rather than finished. */
    public boolean truncated() {
        return finish == FinishReason.LENGTH;
    }

    public int replyLength() {
        return tokens.length() - promptLength;
    }

    public long[] replyIds() {
        return Arrays.copyOfRange(tokens.ids(), promptLength, tokens.length());
    }

    /** A rollout from prompt ids, generated reply ids and the generation's finish reason. */
    public static Rollout of(Sample sample, long[] promptIds, long[] replyIds, FinishReason finish) {
        long[] ids = Arrays.copyOf(promptIds, promptIds.length + replyIds.length);
        System.arraycopy(replyIds, 0, ids, promptIds.length, replyIds.length);
        boolean[] target = new boolean[ids.length];
        Arrays.fill(target, promptIds.length, ids.length, true);
        return new Rollout(sample, new Sequences.Tokens(ids, target), promptIds.length, finish);
    }

    /**
     * Phases 2 and 3: the reward sources' verdict and what shaping made of it.
     *
     * @param reward R_total after reward clipping and overlong handling; null when the combiner dropped the reply
     * @param trained whether the update trains on it (false: masked as overlong, or in a GRPO group without reward spread)
     */
    public record Scored(Rollout rollout, RewardTrace trace, Double reward, boolean trained) {
        /** The verdict as the combiner gave it, before shaping. */
        public static Scored of(Rollout rollout, RewardTrace trace) {
            return new Scored(rollout, trace, trace.combined().dropped() ? null : trace.combined().rTotal(), true);
        }

        /** Whether the update can train on it: a reward, trained, at least one reply token. */
        public boolean trainable() {
            return reward != null && trained && rollout.replyLength() > 0;
        }
    }

    /**
     * Phase 3: what the policy before the update, the base and the critic say about each reply token (figures of the
     * state before token k, length = reply length).
     *
     * @param values the critic's values, or null without a critic (GRPO)
     * @param filterKl per token, KL(top-k/top-p sampling ‖ π_T) = −log(kept mass); null without filtering
     */
    public record OldPolicy(float[] logp, float[] refLogp, float[] entropy, float[] values, float[] filterKl) {
    }

    /** A scored rollout with its phase-3 figures: every reply of the step, kept or not (metrics). */
    public record Evaluated(Scored scored, OldPolicy old) {
        public Rollout rollout() {
            return scored.rollout();
        }
    }

    /** Phase 4: a reply the update trains on, with its reward, advantages and value targets (length = reply length). */
    public record Experience(Evaluated evaluated, double reward, double[] advantages, double[] returns) {
        public Rollout rollout() {
            return evaluated.rollout();
        }

        public OldPolicy old() {
            return evaluated.old();
        }
    }
}
