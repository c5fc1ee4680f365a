package repo.trainer.rl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import repo.rewards.api.SourceResult;
import repo.rewards.trace.RewardTrace;

/**
 * Loud reward-source failures: each step counts, per source, the completions it failed on, and stops the run when a
 * source fails on more than {@code rewards.max_source_failures} of them (default 0.2), naming the source, the count
 * and its first error. The loop adds the last checkpoint to the message.
 */
final class SourceFailures {
    private final double maxFraction;

    SourceFailures(double maxFraction) {
        this.maxFraction = maxFraction;
    }

    /** Thrown when a reward source fails on too many of a step's completions. */
    static final class TooManyFailures extends IllegalStateException {
        TooManyFailures(String message) {
            super(message);
        }
    }

    /** Counts each source's failures in the step's traces; throws {@link TooManyFailures} above the threshold. */
    void check(List<RewardTrace> traces) {
        Map<String, Integer> count = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        for (RewardTrace t : traces) {
            for (SourceResult s : t.sources()) {
                if (s.failed()) {
                    count.merge(s.source(), 1, Integer::sum);
                    first.putIfAbsent(s.source(), s.error());
                }
            }
        }
        for (Map.Entry<String, Integer> e : count.entrySet()) {
            if (e.getValue() > maxFraction * traces.size()) {
                throw new TooManyFailures(String.format(Locale.ROOT, "reward source '%s' failed on %d of %d completions, "
                        + "more than rewards.max_source_failures %s allows; first error: %s", e.getKey(), e.getValue(),
                        traces.size(), maxFraction, first.get(e.getKey())));
            }
        }
    }

    /** Why the completions of a step were not trained on: the combiner's notes, counted. */
    static String why(List<Rollout.Evaluated> all) {
        Map<String, Integer> notes = new LinkedHashMap<>();
        for (Rollout.Evaluated e : all) {
            String note = e.scored().trace().combined().dropped() ? "dropped: " + e.scored().trace().combined().note()
                    : e.rollout().replyLength() == 0 ? "empty completion"
                    : !e.scored().trained() ? (e.rollout().truncated()
                    ? "cut at max_new_tokens and not trained (rollout.overlong: mask, or grpo.dynamic_sampling)"
                    : "in a group without reward spread (grpo.dynamic_sampling)") : "kept";
            notes.merge(note, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder().append(all.size()).append(" completions (");
        notes.forEach((note, n) -> b.append(n).append(" × ").append(note).append("; "));
        b.setLength(b.length() - 2);
        return b.append(')').toString();
    }
}
