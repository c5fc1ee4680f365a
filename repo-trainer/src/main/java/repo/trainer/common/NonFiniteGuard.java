package repo.trainer.common;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happens when a gradient is NaN or infinite: the update is skipped, a line on the console names the step, the
 * parameter group and the first non-finite tensor, the skip is counted ({@code skipped_updates} in metrics.jsonl), and
 * {@code train.max_nonfinite_in_a_row} steps in a row with a skipped update stop the run with an error naming the step.
 */
public final class NonFiniteGuard {
    /** The metrics.jsonl key of the number of updates skipped in a step. */
    public static final String METRIC = "skipped_updates";

    private final int maxInARow;
    private final PrintStream console;
    private int inARow;
    private final java.util.List<String> thisStep = new java.util.ArrayList<>();

    public NonFiniteGuard(int maxInARow, PrintStream console) {
        if (maxInARow < 1) {
            throw new IllegalArgumentException("maxInARow is " + maxInARow + ": expected >= 1");
        }
        this.maxInARow = maxInARow;
        this.console = console;
    }

    /** Records a skipped update of {@code group}; {@link #endStep} prints it with the step and which tensor was non-finite. */
    public void skipped(String group, List<NDArray> params, double norm) {
        thisStep.add(String.format(Locale.ROOT, "non-finite gradient (global norm %s) in %s, first at %s; update skipped", norm, group,
                firstNonFinite(params)));
    }

    /**
     * Ends a step: adds {@link #METRIC} to {@code extra} and throws when {@code maxInARow} steps in a row skipped an update.
     *
     * @throws IllegalStateException naming the step and the count
     */
    public Map<String, Double> endStep(int step, Map<String, Double> extra) {
        Map<String, Double> out = new LinkedHashMap<>(extra);
        out.put(METRIC, (double) thisStep.size());
        thisStep.forEach(line -> console.printf(Locale.ROOT, "step %d: %s%n", step, line));
        inARow = thisStep.isEmpty() ? 0 : inARow + 1;
        thisStep.clear();
        if (inARow >= maxInARow) {
            throw new IllegalStateException("step " + step + ": " + inARow + " steps in a row had non-finite gradients "
                    + "(train.max_nonfinite_in_a_row = " + maxInARow + "); the run stops here, its last checkpoint is intact");
        }
        return out;
    }

    /** "tensor #i (name, shape)" of the first parameter whose gradient holds a NaN or an infinity. */
    static String firstNonFinite(List<NDArray> params) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                if (!p.hasGradient()) {
                    continue;
                }
                try (NDArray g = p.getGradient(); NDArray nan = g.isNaN(); NDArray inf = g.isInfinite(); NDArray bad = nan.logicalOr(inf);
                     NDArray any = bad.any()) {
                    if (any.getBoolean()) {
                        return "tensor #" + i + " (" + (p.getName() == null ? "unnamed" : p.getName()) + ", shape " + p.getShape() + ")";
                    }
                }
            }
            return "no single tensor (the sum of squares overflowed)";
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
