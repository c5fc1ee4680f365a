package repo.rewards.combine;

/**
 * Running mean and standard deviation (Welford) of a stream of scores, and whitening with them:
 * {@code (x - mean) / std}. With fewer than two values, or a zero spread, it returns {@code x - mean}, so a
 * cold start maps the first item to 0; {@link #warmStarted} begins from prior statistics (e.g. the reward
 * model's scores on its training data) instead. Not thread-safe.
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

    /**
     * Statistics as if {@code count} values of this mean and population standard deviation had been seen: the
     * first item is whitened against the prior, not mapped to 0, and the prior's weight fades as items arrive.
     */
    public static RunningWhitening warmStarted(double mean, double std, long count) {
        if (!Double.isFinite(mean) || !Double.isFinite(std) || std < 0 || count < 1) {
            throw new IllegalArgumentException("a warm start needs a finite mean, a finite std >= 0 and count >= 1; got "
                    + mean + ", " + std + ", " + count);
        }
        RunningWhitening w = new RunningWhitening();
        w.count = count;
        w.mean = mean;
        w.m2 = std * std * count;
        return w;
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

    /** The statistics as JSON {@code {"count", "mean", "m2"}}, for checkpoints. */
    public com.fasterxml.jackson.databind.node.ObjectNode state() {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.put("count", count);
        o.put("mean", mean);
        o.put("m2", m2);
        return o;
    }

    /** Restores what {@link #state} returned (doubles round-trip exactly through JSON). */
    public void restore(com.fasterxml.jackson.databind.JsonNode state) {
        if (state == null || !state.path("count").canConvertToLong() || !state.path("mean").isNumber() || !state.path("m2").isNumber()) {
            throw new IllegalArgumentException("running whitening state: expected {\"count\", \"mean\", \"m2\"}, got " + state);
        }
        count = state.get("count").longValue();
        mean = state.get("mean").doubleValue();
        m2 = state.get("m2").doubleValue();
    }

    /** Updates with x, then whitens it. */
    public double updateAndWhiten(double x) {
        update(x);
        return whiten(x);
    }
}
