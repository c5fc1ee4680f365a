package repo.trainer.algo;

/**
 * Generalised Advantage Estimation (Schulman et al. 2016) over one generated reply.
 *
 * <pre>
 * δ_t = r_t + γ·V_{t+1} − V_t          (V_A = 0 after the last reply token)
 * A_t = δ_t + γλ·A_{t+1}              returns_t = A_t + V_t
 * </pre>
 * REPO puts the whole reward on the last reply token (optional per-token KL penalties elsewhere);
 * defaults γ = 1, λ = 0.95.
 */
public final class Gae {
    private Gae() {
    }

    /** Advantages and value targets for one reply. */
    public record Result(double[] advantages, double[] returns) {
    }

    /**
     * @param rewards (A) per-token rewards
     * @param values (A) value estimates V_t of the state before token t
     */
    public static Result compute(double[] rewards, double[] values, double gamma, double lambda) {
        if (rewards.length != values.length) {
            throw new IllegalArgumentException("rewards (" + rewards.length + ") and values (" + values.length + ") differ in length");
        }
        int n = rewards.length;
        double[] adv = new double[n], ret = new double[n];
        double next = 0, nextValue = 0;
        for (int t = n - 1; t >= 0; t--) {
            double delta = rewards[t] + gamma * nextValue - values[t];
            next = delta + gamma * lambda * next;
            adv[t] = next;
            ret[t] = next + values[t];
            nextValue = values[t];
        }
        return new Result(adv, ret);
    }

    /** Per-token rewards: {@code reward} on the last token plus optional per-token terms (e.g. −β·KL). */
    public static double[] terminalRewards(int length, double reward, double[] perToken) {
        if (length <= 0) {
            throw new IllegalArgumentException("a reply needs at least one token");
        }
        double[] r = perToken == null ? new double[length] : perToken.clone();
        if (r.length != length) {
            throw new IllegalArgumentException("per-token terms (" + r.length + ") must match the reply length " + length);
        }
        r[length - 1] += reward;
        return r;
    }
}
