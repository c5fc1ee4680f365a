package repo.trainer.algo;

/**
 * Reference maths of the preference losses on plain arrays, in double precision.
 *
 * <p>The trainers compute the same losses on NDArrays; their tests compare against these functions. Log-sigmoids
 * are computed as {@code −softplus(−x)} with a stable softplus, so large margins neither overflow nor lose the tail.
 */
public final class Losses {

    private Losses() {
    }

    /** {@code log(1 + e^x)} without overflow or cancellation: {@code max(x, 0) + log1p(e^−|x|)}. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** {@code log σ(x) = −softplus(−x)}. */
    public static double logSigmoid(double x) {
        return -softplus(-x);
    }

    /** The Bradley–Terry reward-model loss of one pair: {@code −log σ(rChosen − rRejected)}. */
    public static double bradleyTerry(double rChosen, double rRejected) {
        return softplus(rRejected - rChosen);
    }

    /** {@link #bradleyTerry(double, double)} for each pair. */
    public static double[] bradleyTerry(double[] rChosen, double[] rRejected) {
        requireSameLength(rChosen.length, rRejected.length);
        double[] out = new double[rChosen.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bradleyTerry(rChosen[i], rRejected[i]);
        }
        return out;
    }

    /**
     * The DPO loss of each pair (sigmoid loss of Rafailov et al., as TRL's {@code DPOTrainer} computes it), from
     * summed log-probabilities of the replies under the policy and the frozen reference.
     *
     * <pre>
     *   chosenReward   = β (policyChosen − refChosen)
     *   rejectedReward = β (policyRejected − refRejected)
     *   margin         = chosenReward − rejectedReward
     *   loss           = −log σ(margin)
     *   accuracy       = 1 if chosenReward > rejectedReward else 0
     * </pre>
     *
     * @param beta the KL strength, {@code > 0}
     */
    public static Dpo dpo(double[] policyChosenLogp, double[] policyRejectedLogp, double[] refChosenLogp,
                          double[] refRejectedLogp, double beta) {
        int n = policyChosenLogp.length;
        requireSameLength(n, policyRejectedLogp.length);
        requireSameLength(n, refChosenLogp.length);
        requireSameLength(n, refRejectedLogp.length);
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta is " + beta + ": expected a finite value > 0");
        }
        double[] loss = new double[n];
        double[] chosen = new double[n];
        double[] rejected = new double[n];
        double[] margin = new double[n];
        double[] accuracy = new double[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = beta * (policyChosenLogp[i] - refChosenLogp[i]);
            rejected[i] = beta * (policyRejectedLogp[i] - refRejectedLogp[i]);
            margin[i] = chosen[i] - rejected[i];
            loss[i] = softplus(-margin[i]);
            accuracy[i] = chosen[i] > rejected[i] ? 1 : 0;
        }
        return new Dpo(loss, chosen, rejected, margin, accuracy);
    }

    /**
     * Per-pair DPO figures; every array has one entry per pair.
     *
     * @param loss {@code −log σ(margin)}
     * @param chosenReward the implicit reward of the chosen reply
     * @param rejectedReward the implicit reward of the rejected reply
     * @param margin {@code chosenReward − rejectedReward}
     * @param accuracy 1 where the chosen reply has the higher implicit reward, else 0
     */
    public record Dpo(double[] loss, double[] chosenReward, double[] rejectedReward, double[] margin,
                      double[] accuracy) {
        /** The batch mean of the loss. */
        public double meanLoss() {
            return mean(loss);
        }

        /** The batch mean of the reward margin. */
        public double meanMargin() {
            return mean(margin);
        }

        /** The fraction of pairs ranked correctly. */
        public double meanAccuracy() {
            return mean(accuracy);
        }
    }

    /** The arithmetic mean ({@code NaN} for an empty array). */
    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    private static void requireSameLength(int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException("arrays of length " + expected + " and " + actual
                    + ": expected one entry per pair in each");
        }
    }
}
