package repo.trainer.rl;

import java.util.Arrays;
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
 */
public record Rollout(Sample sample, Sequences.Tokens tokens, int promptLength) {

    public int replyLength() {
        return tokens.length() - promptLength;
    }

    public long[] replyIds() {
        return Arrays.copyOfRange(tokens.ids(), promptLength, tokens.length());
    }

    /** A rollout from prompt ids and generated reply ids. */
    public static Rollout of(Sample sample, long[] promptIds, long[] replyIds) {
        long[] ids = Arrays.copyOf(promptIds, promptIds.length + replyIds.length);
        System.arraycopy(replyIds, 0, ids, promptIds.length, replyIds.length);
        boolean[] target = new boolean[ids.length];
        Arrays.fill(target, promptIds.length, ids.length, true);
        return new Rollout(sample, new Sequences.Tokens(ids, target), promptIds.length);
    }

    /** Phase 2: the reward sources' verdict; {@link #reward} is null when the combiner dropped it. */
    public record Scored(Rollout rollout, RewardTrace trace) {
        public Double reward() {
            return trace.combined().dropped() ? null : trace.combined().rTotal();
        }
    }

    /**
     * Phase 3: what the policy before the update, the base and the critic say about each reply token (figures of the
     * state before token k, length = reply length).
     *
     * @param values the critic's values, or null without a critic (GRPO)
     */
    public record OldPolicy(float[] logp, float[] refLogp, float[] entropy, float[] values) {
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
