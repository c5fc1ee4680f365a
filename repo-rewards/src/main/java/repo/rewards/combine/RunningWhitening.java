package repo.rewards.combine;

/**
 * Running mean and standard deviation (Welford) of a stream of scores, and whitening with them:
 * {@code (x - mean) / std}. With fewer than two values, or a zero spread, it returns {@code x - mean}.
 * Not thread-safe.
 */
public final class RunningWhitening {
    private long count;
    private double mean;
    private double m2;
    private final double eps;

    public RunningWhitening() {
        this(1e-8);
    }

    public RunningWhitening(double eps) {
        this.eps = eps;
    }

    /** Adds a value to the statistics. */
    public void update(double x) {
        count++;
        double d = x - mean;
        mean += d / count;
        m2 += d * (x - mean);
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation of the values seen. */
    public double std() {
        return count < 2 ? 0 : Math.sqrt(m2 / count);
    }

    /** Whitens with the current statistics (call {@link #update} first to include x). */
    public double whiten(double x) {
        double s = std();
        return s < eps ? x - mean : (x - mean) / s;
    }

    /** Updates with x, then whitens it. */
    public double updateAndWhiten(double x) {
        update(x);
        return whiten(x);
    }
}
