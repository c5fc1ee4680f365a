package repo.trainer.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;

/**
 * The preference losses on tensors, as the RM and DPO trainers compute them (differentiable, in the model's dtype).
 * {@link Losses} holds the same maths in double precision: a test checks these against it.
 */
public final class PreferenceLosses {
    private PreferenceLosses() {
    }

    /** {@code −log σ(x)} elementwise, as a stable softplus(−x). */
    public static NDArray negLogSigmoid(NDArray x) {
        return Activation.softPlus(x.neg());
    }

    /** (B) Bradley–Terry losses {@code −log σ(r_chosen − r_rejected)} of (B) chosen and (B) rejected scores. */
    public static NDArray bradleyTerry(NDArray chosen, NDArray rejected) {
        return negLogSigmoid(chosen.sub(rejected));
    }

    /**
     * (B) DPO margins {@code β[(π(c) − ref(c)) − (π(r) − ref(r))]}.
     *
     * @param policy (2B) summed reply log-probs under the policy: the chosen rows, then the rejected rows
     * @param reference (2B) the same under the frozen reference
     */
    public static NDArray dpoMargins(NDArray policy, NDArray reference, float beta) {
        long n = policy.getShape().get(0) / 2;
        NDArray logRatio = policy.sub(reference.toType(policy.getDataType(), false));
        return logRatio.get(new NDIndex("0:{}", n)).sub(logRatio.get(new NDIndex("{}:", n))).mul(beta);
    }
}
