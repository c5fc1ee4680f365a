package repo.trainer.algo;

import ai.djl.ndarray.NDArray;

/**
 * PPO's clipped objectives on token tensors, token-mean over the mask (Schulman et al. 2017).
 * Shapes: (B, A) for B replies of A reply tokens; {@code mask} is 1 on real reply tokens.
 */
public final class PpoLosses {
    private PpoLosses() {
    }

    /** Masked mean: sum(x·mask) / max(sum(mask), 1). */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        return x.mul(mask).sum().div(mask.sum().maximum(1f));
    }

    /** A clipped objective: the differentiable scalar loss and the fraction of tokens where clipping acted (no grad). */
    public record Clipped(NDArray loss, NDArray clipFraction) {
    }

    /**
     * Clipped surrogate: mean(max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε))), ρ = exp(logp − oldLogp).
     *
     * @return {loss (scalar, differentiable), clip fraction (scalar, no grad)}
     */
    public static Clipped policy(NDArray logp, NDArray oldLogp, NDArray advantages, NDArray mask, float eps) {
        NDArray ratio = logp.sub(oldLogp).exp();
        NDArray unclipped = advantages.neg().mul(ratio);
        NDArray clipped = advantages.neg().mul(ratio.clip(1 - eps, 1 + eps));
        NDArray loss = maskedMean(unclipped.maximum(clipped), mask);
        NDArray clipFraction = maskedMean(clipped.gt(unclipped).toType(mask.getDataType(), false), mask);
        return new Clipped(loss, clipFraction.stopGradient());
    }

    /**
     * Clipped value loss: ½·mean(max((V − R)², (V_old + clip(V − V_old, −c, c) − R)²)).
     *
     * @return {loss (scalar), fraction of tokens where the clipped term was larger}
     */
    public static Clipped value(NDArray values, NDArray oldValues, NDArray returns, NDArray mask, float clip) {
        NDArray vClipped = oldValues.add(values.sub(oldValues).clip(-clip, clip));
        NDArray a = values.sub(returns).square(), b = vClipped.sub(returns).square();
        NDArray loss = maskedMean(a.maximum(b), mask).mul(0.5f);
        NDArray clipFraction = maskedMean(b.gt(a).toType(mask.getDataType(), false), mask);
        return new Clipped(loss, clipFraction.stopGradient());
    }

    /** Entropy of each position's distribution: (B, A, V) logits -> (B, A). */
    public static NDArray entropy(NDArray logits) {
        NDArray logProbs = logits.logSoftmax(-1);
        return logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg();
    }
}
