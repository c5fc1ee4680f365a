package repo.trainer.common;

/**
 * A learning-rate schedule with linear warm-up, as a pure function of the step.
 *
 * <p><b>Step convention.</b> Steps are optimizer updates counted from 1: {@code lr(1)} is the rate of the first
 * update and {@code lr(totalSteps)} the rate of the last. The multiplier is exactly the {@code lr_lambda} of Hugging
 * Face's {@code get_cosine_schedule_with_warmup} / {@code get_linear_schedule_with_warmup} /
 * {@code get_constant_schedule_with_warmup} (and of {@code get_cosine_with_min_lr_schedule_with_warmup} for a
 * {@code minLrRatio} above 0), evaluated at {@code step}:
 * <ul>
 *   <li>warm-up, {@code step < warmupSteps}: {@code step / warmupSteps}, rising linearly from 0
 *       (so {@code lr(1) = peak / warmupSteps} and {@code lr(warmupSteps) = peak});</li>
 *   <li>after it, with {@code progress = (step − warmupSteps) / (totalSteps − warmupSteps)}:
 *     <ul>
 *       <li>{@link Kind#COSINE}: {@code min + (1 − min) · ½(1 + cos(π · progress))};</li>
 *       <li>{@link Kind#LINEAR}: {@code min + (1 − min) · (1 − progress)};</li>
 *       <li>{@link Kind#CONSTANT}: 1 ({@code minLrRatio} is ignored).</li>
 *     </ul></li>
 * </ul>
 * where {@code min = minLrRatio}. HF's {@code LambdaLR} applies {@code lambda(k − 1)} to the k-th update (the
 * scheduler is stepped after the optimizer, so the first update of a warm-up runs at rate 0); here the k-th update
 * gets {@code lambda(k)}: the same curve, one step later, and no update is wasted at rate 0. The last update thus
 * runs at {@code peak · minLrRatio}. Past {@code totalSteps} the rate stays at its final value (HF's cosine would
 * rise again).
 *
 * @param kind the decay after warm-up
 * @param peakLr the rate at the end of the warm-up, {@code > 0}
 * @param warmupSteps updates of linear warm-up, {@code 0 ≤ warmupSteps ≤ totalSteps}
 * @param totalSteps all updates of the run, {@code ≥ 1}
 * @param minLrRatio the final rate as a fraction of the peak, in [0, 1]
 */
public record LrSchedule(Kind kind, double peakLr, int warmupSteps, int totalSteps, double minLrRatio) {

    /** The shape of the decay after the warm-up. */
    public enum Kind {
        /** Half a cosine from the peak down to {@code peak · minLrRatio}. */
        COSINE,
        /** A straight line from the peak down to {@code peak · minLrRatio}. */
        LINEAR,
        /** The peak rate until the end. */
        CONSTANT
    }

    /** Checks the ranges. */
    public LrSchedule {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null: expected COSINE, LINEAR or CONSTANT");
        }
        if (!(peakLr > 0) || Double.isInfinite(peakLr)) {
            throw new IllegalArgumentException("peakLr is " + peakLr + ": expected a finite value > 0");
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps is " + totalSteps + ": expected >= 1");
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException(
                    "warmupSteps is " + warmupSteps + ": expected a value in [0, totalSteps = " + totalSteps + "]");
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio is " + minLrRatio + ": expected a value in [0, 1]");
        }
    }

    /** A schedule without warm-up or decay. */
    public static LrSchedule constant(double lr, int totalSteps) {
        return new LrSchedule(Kind.CONSTANT, lr, 0, totalSteps, 0);
    }

    /**
     * The learning rate of update {@code step}.
     *
     * @param step the update, counted from 1; steps past {@code totalSteps} get the final rate
     * @throws IllegalArgumentException if {@code step < 1}
     */
    public double lr(int step) {
        if (step < 1) {
            throw new IllegalArgumentException("step is " + step + ": steps are counted from 1");
        }
        return peakLr * multiplier(Math.min(step, totalSteps));
    }

    private double multiplier(int step) {
        if (step < warmupSteps) {
            return (double) step / warmupSteps;
        }
        if (kind == Kind.CONSTANT) {
            return 1;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        double shape = kind == Kind.COSINE ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
        return minLrRatio + (1 - minLrRatio) * Math.max(0, shape);
    }
}
