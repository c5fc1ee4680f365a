package repo.trainer.algo;

/**
 * KL controls on plain numbers.
 *
 * <p><b>Adaptive KL coefficient</b> (Ziegler et al. 2019, as TRL's and OpenRLHF's {@code AdaptiveKLController}):
 * after a step whose measured KL to the reference was {@code kl}, over {@code n} samples,
 * <pre>
 * e = clip(kl / target − 1, −0.2, 0.2)      β ← β · (1 + e · n / horizon)
 * </pre>
 * so β grows while the policy drifts past the target and shrinks while it stays below.
 *
 * <p><b>Early stop on approximate KL</b> (Spinning Up, Stable-Baselines3): the remaining updates of a step are
 * skipped once a minibatch's approximate KL between the old and the current policy exceeds
 * {@code 1.5 · target}.
 */
public final class KlControl {
    /** The proportional error's bound of the adaptive controller. */
    public static final double MAX_ERROR = 0.2;
    /** Early stop fires above this multiple of the target. */
    public static final double STOP_FACTOR = 1.5;

    private KlControl() {
    }

    /**
     * The next KL coefficient of the adaptive controller.
     *
     * @param beta the current coefficient, ≥ 0
     * @param kl the step's measured KL to the reference (mean per token)
     * @param target the KL the controller steers to, &gt; 0
     * @param samples replies in the step (n)
     * @param horizon the controller's horizon in samples, &gt; 0 (10000 in TRL and OpenRLHF)
     */
    public static double adaptiveBeta(double beta, double kl, double target, int samples, double horizon) {
        if (!(target > 0) || !(horizon > 0) || beta < 0 || samples < 0) {
            throw new IllegalArgumentException("adaptive KL: need beta >= 0, target > 0, horizon > 0, samples >= 0; got "
                    + beta + ", " + target + ", " + horizon + ", " + samples);
        }
        if (!Double.isFinite(kl)) {
            return beta; // a step without a KL measurement leaves β alone
        }
        double error = Math.max(-MAX_ERROR, Math.min(MAX_ERROR, kl / target - 1));
        return beta * (1 + error * samples / horizon);
    }

    /** Whether the rest of a step's updates stop: {@code approxKl > 1.5·target}; a null target never stops. */
    public static boolean stopEarly(double approxKl, Double target) {
        return target != null && approxKl > STOP_FACTOR * target;
    }
}
