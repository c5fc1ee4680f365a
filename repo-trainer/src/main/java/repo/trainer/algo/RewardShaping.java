package repo.trainer.algo;

import java.util.List;

/**
 * What happens to a reply's scalar reward between the reward pipeline and the advantages: clipping, the
 * handling of replies cut at {@code max_new_tokens} (overlong), and GRPO/DAPO dynamic sampling (groups whose
 * rewards do not differ carry no signal and are dropped).
 */
public final class RewardShaping {
    private RewardShaping() {
    }

    /** What a reply cut at {@code max_new_tokens} gets. */
    public enum Overlong {
        /** scored and trained on as if finished. */
        AS_IS,
        /** its reward plus {@code overlong_penalty} (a negative number), trained on. */
        PENALTY,
        /** left out of the loss (no advantage, no update), still counted in the metrics. */
        MASK
    }

    /**
     * A reply's reward after shaping.
     *
     * @param reward the reward the advantages use
     * @param trained whether the reply takes part in the update
     */
    public record Shaped(double reward, boolean trained) {
    }

    /** {@code r} clipped to [−bound, bound]; a null bound leaves it as is. */
    public static double clip(double r, Double bound) {
        if (bound == null) {
            return r;
        }
        if (!(bound > 0)) {
            throw new IllegalArgumentException("reward clip bound is " + bound + ": expected a value > 0, or null for off");
        }
        return Math.max(-bound, Math.min(bound, r));
    }

    /**
     * Clips, then applies the overlong rule to a truncated reply; a finished reply only clips.
     *
     * @param penalty added to a truncated reply's reward under {@link Overlong#PENALTY} (after clipping)
     */
    public static Shaped shape(double reward, boolean truncated, Double clipBound, Overlong mode, double penalty) {
        double r = clip(reward, clipBound);
        if (!truncated) {
            return new Shaped(r, true);
        }
        return switch (mode) {
            case AS_IS -> new Shaped(r, true);
            case PENALTY -> new Shaped(r + penalty, true);
            case MASK -> new Shaped(r, false);
        };
    }

    /** Share of replies that were cut at the token limit ({@code NaN} for none). */
    public static double truncationRate(boolean[] truncated) {
        if (truncated.length == 0) {
            return Double.NaN;
        }
        int n = 0;
        for (boolean t : truncated) {
            n += t ? 1 : 0;
        }
        return n / (double) truncated.length;
    }

    /**
     * DAPO dynamic sampling: whether each group's rewards differ by more than {@code tolerance} (max − min).
     * A group with one reward or none has no spread and is not informative.
     */
    public static boolean[] informativeGroups(List<double[]> groups, double tolerance) {
        boolean[] out = new boolean[groups.size()];
        for (int g = 0; g < out.length; g++) {
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double r : groups.get(g)) {
                min = Math.min(min, r);
                max = Math.max(max, r);
            }
            out[g] = groups.get(g).length >= 2 && max - min > tolerance;
        }
        return out;
    }

    /** Share of groups that dynamic sampling drops ({@code NaN} for none). */
    public static double droppedShare(boolean[] informative) {
        if (informative.length == 0) {
            return Double.NaN;
        }
        int dropped = 0;
        for (boolean b : informative) {
            dropped += b ? 0 : 1;
        }
        return dropped / (double) informative.length;
    }
}
