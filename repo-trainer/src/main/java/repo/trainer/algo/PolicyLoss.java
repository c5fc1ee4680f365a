package repo.trainer.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * The controls around PPO's clipped surrogate that OpenRLHF and verl expose, as pure functions on token tensors
 * of shape (B, A) with a 0/1 {@code mask} of real reply tokens:
 *
 * <ul>
 *   <li>log-probabilities under the sampling temperature: {@code log_softmax(logits / T)} (on-policy when replies
 *       were sampled at temperature T);</li>
 *   <li>asymmetric clipping ("clip-higher", DAPO): ρ clipped to {@code [1 − ε_low, 1 + ε_high]};</li>
 *   <li>dual clip (Ye et al. 2020): for A &lt; 0 the per-token loss is capped at {@code −c·A}, c &gt; 1;</li>
 *   <li>loss aggregation: token mean, per-sequence token mean then mean over sequences (the GRPO paper), or
 *       per-sequence token sum then mean over sequences;</li>
 *   <li>the approximate KL between the old and the current policy (k3 estimator, ≥ 0), for early stopping.</li>
 * </ul>
 */
public final class PolicyLoss {
    private PolicyLoss() {
    }

    /** How per-token losses become one scalar. */
    public enum Aggregation {
        /** Σ loss·mask / Σ mask over the whole minibatch: every token weighs the same (verl {@code token-mean}). */
        TOKEN_MEAN,
        /** mean over sequences of each sequence's token mean: every reply weighs the same (GRPO paper, eq. 3). */
        SEQ_MEAN_TOKEN_MEAN,
        /** mean over sequences of each sequence's token sum (verl {@code seq-mean-token-sum}). */
        SEQ_MEAN_TOKEN_SUM
    }

    /**
     * Clip settings of the surrogate.
     *
     * @param epsLow ρ is clipped below at 1 − epsLow, in (0, 1)
     * @param epsHigh ρ is clipped above at 1 + epsHigh, &gt; 0 (= epsLow: the symmetric PPO clip)
     * @param dualClip c &gt; 1 caps the loss of negative-advantage tokens at −c·A; {@code null} = off
     */
    public record Clip(double epsLow, double epsHigh, Double dualClip) {
        public Clip {
            if (!(epsLow > 0 && epsLow < 1)) {
                throw new IllegalArgumentException("clip eps_low is " + epsLow + ": expected a value in (0, 1)");
            }
            if (!(epsHigh > 0) || Double.isInfinite(epsHigh)) {
                throw new IllegalArgumentException("clip eps_high is " + epsHigh + ": expected a finite value > 0");
            }
            if (dualClip != null && !(dualClip > 1) || dualClip != null && dualClip.isInfinite()) {
                throw new IllegalArgumentException("dual_clip is " + dualClip + ": expected a finite value > 1, or null for off");
            }
        }

        /** The plain symmetric PPO clip. */
        public static Clip symmetric(double eps) {
            return new Clip(eps, eps, null);
        }
    }

    /**
     * The surrogate's scalar loss and diagnostics.
     *
     * @param loss differentiable scalar
     * @param clipFraction share of tokens where the ratio clip bound (no gradient)
     * @param dualClipFraction share of tokens where the dual clip bound (no gradient; 0 when off)
     * @param approxKl token mean of k3(old ‖ new) (no gradient)
     */
    public record Result(NDArray loss, NDArray clipFraction, NDArray dualClipFraction, NDArray approxKl) {
    }

    /**
     * log_softmax(logits / T) of one row of logits, in double precision: the reference for the trainers' tensor
     * computation ({@code ChunkedLogProbs}, whole or chunked).
     */
    public static double[] logProbs(double[] logits, double temperature) {
        checkTemperature(temperature);
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l / temperature);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l / temperature - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] / temperature - logZ;
        }
        return out;
    }

    /**
     * The clipped surrogate with clip-higher and dual clip, aggregated as asked. With ρ = exp(logp − oldLogp):
     * <pre>
     * l1 = −A·ρ,  l2 = −A·clip(ρ, 1−ε_low, 1+ε_high),  l = max(l1, l2)
     * dual clip (A &lt; 0 only): l = min(l, −c·A)
     * </pre>
     */
    public static Result surrogate(NDArray logp, NDArray oldLogp, NDArray advantages, NDArray mask, Clip clip,
                                   Aggregation aggregation) {
        NDArray logRatio = logp.sub(oldLogp);
        NDArray ratio = logRatio.exp();
        NDArray l1 = advantages.neg().mul(ratio);
        NDArray l2 = advantages.neg().mul(ratio.clip(1 - clip.epsLow(), 1 + clip.epsHigh()));
        NDArray clipped = l1.maximum(l2);
        NDArray clipFraction = PpoLosses.maskedMean(l2.gt(l1).toType(mask.getDataType(), false), mask);
        NDArray perToken = clipped;
        NDArray dualFraction = mask.sum().mul(0);
        if (clip.dualClip() != null) {
            NDArray cap = advantages.neg().mul(clip.dualClip().floatValue());                // −c·A (> 0 where A < 0)
            NDArray negative = advantages.lt(0);
            perToken = NDArrays.where(negative, clipped.minimum(cap), clipped);
            dualFraction = PpoLosses.maskedMean(clipped.gt(cap).logicalAnd(negative).toType(mask.getDataType(), false), mask);
        }
        NDArray d = logRatio.neg().stopGradient();
        NDArray approxKl = PpoLosses.maskedMean(d.exp().sub(d).sub(1), mask);              // k3 of old vs new
        return new Result(aggregate(perToken, mask, aggregation), clipFraction.stopGradient(), dualFraction.stopGradient(),
                approxKl.stopGradient());
    }

    /** Reduces (B, A) per-token values over the mask as {@code aggregation} says; an empty row counts as 0. */
    public static NDArray aggregate(NDArray perToken, NDArray mask, Aggregation aggregation) {
        return switch (aggregation) {
            case TOKEN_MEAN -> PpoLosses.maskedMean(perToken, mask);
            case SEQ_MEAN_TOKEN_MEAN -> perToken.mul(mask).sum(new int[] {-1}).div(mask.sum(new int[] {-1}).maximum(1f)).mean();
            case SEQ_MEAN_TOKEN_SUM -> perToken.mul(mask).sum(new int[] {-1}).mean();
        };
    }

    /** Double-precision reference of {@link #aggregate}: rows of per-token values (each row's real tokens only). */
    public static double aggregate(double[][] rows, Aggregation aggregation) {
        double total = 0, tokens = 0, perSequence = 0;
        for (double[] row : rows) {
            double s = 0;
            for (double v : row) {
                s += v;
            }
            total += s;
            tokens += row.length;
            perSequence += switch (aggregation) {
                case SEQ_MEAN_TOKEN_MEAN -> row.length == 0 ? 0 : s / row.length;
                default -> s;
            };
        }
        return switch (aggregation) {
            case TOKEN_MEAN -> total / Math.max(tokens, 1);
            case SEQ_MEAN_TOKEN_MEAN, SEQ_MEAN_TOKEN_SUM -> perSequence / rows.length;
        };
    }

    /**
     * How far top-k/top-p sampling is from the temperature-T distribution the trainer's log-probs come from:
     * the sampled distribution is q = π_T / Z on the kept tokens, so KL(q ‖ π_T) = −log Z exactly, Z being the
     * π_T-mass the filter keeps (top-k first, then the nucleus inside it, as {@code Generator} samples). 0 when
     * nothing is filtered. (…, V) logits → (…).
     */
    public static NDArray samplingFilterKl(NDArray logits, double temperature, int topK, double topP) {
        checkTemperature(temperature);
        NDArray z = logits.div((float) temperature);
        long v = z.getShape().getLastDimension();
        NDArray logZ = z.logSoftmax(-1).neg().add(z).max(new int[] {-1});           // log Σ e^z, exact at the argmax
        NDArray sorted = topK > 0 && topK < v ? z.topK(topK, -1, true, true).get(0) : z.sort(-1).flip(-1);
        NDArray topLogZ = sorted.logSoftmax(-1).neg().add(sorted).max(new int[] {-1});
        NDArray probs = sorted.softmax(-1);
        NDArray before = probs.cumSum(-1).sub(probs);
        NDArray share = probs.mul(before.lt((float) topP).toType(probs.getDataType(), false)).sum(new int[] {-1});
        return logZ.sub(topLogZ).sub(share.log());                                      // −log(topK mass · nucleus share)
    }

    /** Double-precision reference of {@link #samplingFilterKl} for one row of logits. */
    public static double samplingFilterKl(double[] logits, double temperature, int topK, double topP) {
        double[] p = logProbs(logits, temperature);
        double[] sorted = java.util.Arrays.stream(p).map(Math::exp).sorted().toArray();
        int n = topK > 0 && topK < sorted.length ? topK : sorted.length;
        double topMass = 0;
        for (int i = 0; i < n; i++) {
            topMass += sorted[sorted.length - 1 - i];
        }
        double before = 0, share = 0;
        for (int i = 0; i < n; i++) {
            double q = sorted[sorted.length - 1 - i] / topMass;
            if (before < topP) {
                share += q;
            }
            before += q;
        }
        return -Math.log(topMass * share);
    }

    private static void checkTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("temperature is " + t + ": expected a finite value > 0");
        }
    }
}
