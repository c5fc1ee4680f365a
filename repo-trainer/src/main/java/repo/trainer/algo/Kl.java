package repo.trainer.algo;

import ai.djl.ndarray.NDArray;

/**
 * Per-token estimators of KL(π ‖ π_ref) from samples of π (Schulman, "Approximating KL divergence"):
 * with d = log π_ref − log π, k1 = −d (unbiased, can be negative), k3 = e^d − d − 1 (unbiased, ≥ 0, low variance).
 */
public final class Kl {
    private Kl() {
    }

    /** Which estimator. */
    public enum Estimator { K1, K3 }

    public static double estimate(Estimator e, double logp, double refLogp) {
        double d = refLogp - logp;
        return switch (e) {
            case K1 -> -d;
            case K3 -> Math.exp(d) - d - 1;
        };
    }

    /** Elementwise, differentiable: (…) log-probs -> (…) estimates. */
    public static NDArray estimate(Estimator e, NDArray logp, NDArray refLogp) {
        NDArray d = refLogp.sub(logp);
        return switch (e) {
            case K1 -> d.neg();
            case K3 -> d.exp().sub(d).sub(1);
        };
    }
}
