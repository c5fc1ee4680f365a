package repo.trainer.common;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Gradient clipping by the global L2 norm, as {@code torch.nn.utils.clip_grad_norm_} does it.
 *
 * <p>DJL's {@code optClipGrad} is a one-sided clamp of each element, not a norm clip, so trainers use this instead.
 */
public final class GradClip {

    private GradClip() {
    }

    /**
     * Computes the L2 norm of all gradients of {@code params} taken together and, if it exceeds {@code maxNorm},
     * scales every gradient in place by {@code maxNorm / norm}, so that the new global norm is {@code maxNorm}.
     * Gradients whose norm is at most {@code maxNorm} are left untouched. (torch divides by {@code norm + 1e-6};
     * the difference is a relative 1e-6/norm.)
     *
     * <p>A non-finite norm (NaN or infinite gradients) is returned as is and nothing is scaled: the caller should
     * skip that step.
     *
     * @param params trainable leaves; each gradient wrapper is closed after use
     * @param maxNorm the largest allowed global norm, {@code > 0}
     * @return the global norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive or a parameter has no gradient
     */
    public static double clipGlobalNorm(List<NDArray> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm is " + maxNorm + ": expected a value > 0");
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            double norm = Math.sqrt(sumOfSquares(params));
            if (Double.isFinite(norm) && norm > maxNorm) {
                float scale = (float) (maxNorm / norm);
                for (NDArray p : params) {
                    try (NDArray g = p.getGradient()) {
                        g.muli(scale);
                    }
                }
            }
            return norm;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The global L2 norm of the gradients of {@code params}, without changing them. */
    public static double globalNorm(List<NDArray> params) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return Math.sqrt(sumOfSquares(params));
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static double sumOfSquares(List<NDArray> params) {
        double sum = 0;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            if (!p.hasGradient()) {
                throw new IllegalArgumentException("parameter " + i + " has no gradient: expected trainable leaves");
            }
            try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray s = sq.sum()) {
                sum += s.getFloat();
            }
        }
        return sum;
    }
}
