package repo.rewards.judge;

import java.util.Map;

/**
 * A snapshot of a judge's counters.
 *
 * @param calls judge calls (one per scored item, cache hits included)
 * @param attempts requests or generations actually made
 * @param retries attempts after the first one of a call
 * @param succeeded calls that produced a score
 * @param failed calls that ended in a failure result
 * @param failuresByKind failed calls, by the kind of their last attempt
 * @param attemptFailuresByKind failed attempts (retried or not), by kind
 * @param cacheHits calls answered from the cache
 * @param promptTokens prompt tokens reported by the endpoint (0 when it does not report usage)
 * @param completionTokens completion tokens reported by the endpoint
 * @param totalLatencyMillis summed wall time of all calls, retries and waits included
 * @param maxLatencyMillis the slowest call
 */
public record JudgeStats(long calls, long attempts, long retries, long succeeded, long failed,
                         Map<FailureKind, Long> failuresByKind, Map<FailureKind, Long> attemptFailuresByKind,
                         long cacheHits, long promptTokens, long completionTokens,
                         long totalLatencyMillis, long maxLatencyMillis) {
    public JudgeStats {
        failuresByKind = Map.copyOf(failuresByKind);
        attemptFailuresByKind = Map.copyOf(attemptFailuresByKind);
    }

    /** Failed calls of one kind. */
    public long failures(FailureKind kind) {
        return failuresByKind.getOrDefault(kind, 0L);
    }

    /** Mean wall time per call, 0 before the first call. */
    public double meanLatencyMillis() {
        return calls == 0 ? 0 : (double) totalLatencyMillis / calls;
    }
}
