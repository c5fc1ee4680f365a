package repo.trainer.algo;

/** Whitening, group normalisation and small statistics over Java arrays. */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Unbiased (n − 1) variance, as torch's default {@code var}/{@code std} (TRL's masked_whiten too). */
    public static double variance(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double m = mean(x), s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / (x.length - 1);
    }

    /**
     * (x − mean) / sqrt(var + 1e-8) over all values; with {@code shiftMean=false} the mean is added back
     * (TRL's masked_whiten), which keeps the sign of the average advantage.
     */
    public static double[] whiten(double[] x, boolean shiftMean) {
        double m = mean(x), inv = 1 / Math.sqrt(variance(x) + 1e-8);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - m) * inv + (shiftMean ? 0 : m);
        }
        return out;
    }

    /**
     * GRPO advantages: rewards arrive as consecutive groups of {@code groupSize} samples of one prompt;
     * each becomes (r − mean_group), divided by (std_group + 1e-4) when {@code scaleByStd} (DeepSeekMath;
     * Dr. GRPO drops the division).
     */
    public static double[] groupNormalize(double[] rewards, int groupSize, boolean scaleByStd) {
        if (groupSize < 1 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException("group size " + groupSize + " must divide the number of rewards " + rewards.length);
        }
        double[] out = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += groupSize) {
            double[] group = java.util.Arrays.copyOfRange(rewards, g, g + groupSize);
            double m = mean(group), sd = Math.sqrt(variance(group));
            for (int i = 0; i < groupSize; i++) {
                out[g + i] = scaleByStd ? (group[i] - m) / (sd + 1e-4) : group[i] - m;
            }
        }
        return out;
    }

    /** 1 − Var(returns − values) / Var(returns): how much of the returns the critic explains (1 = all). */
    public static double explainedVariance(double[] values, double[] returns) {
        double[] diff = new double[values.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = returns[i] - values[i];
        }
        double vr = variance(returns);
        return vr == 0 ? Double.NaN : 1 - variance(diff) / vr;
    }

    /** Mean squared error of the critic, mean((V − R)²) ({@code NaN} for no values). */
    public static double valueError(double[] values, double[] returns) {
        if (values.length != returns.length) {
            throw new IllegalArgumentException("values (" + values.length + ") and returns (" + returns.length + ") differ in length");
        }
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            s += (values[i] - returns[i]) * (values[i] - returns[i]);
        }
        return values.length == 0 ? Double.NaN : s / values.length;
    }
}
