package repo.rewards.judge;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Thread-safe counters behind {@link JudgeStats}; one per judge instance. */
public final class JudgeCounters {
    public final AtomicLong calls = new AtomicLong();
    public final AtomicLong attempts = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong cacheHits = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong completionTokens = new AtomicLong();
    final AtomicLong totalLatency = new AtomicLong();
    final AtomicLong maxLatency = new AtomicLong();
    private final AtomicLongArray failures = new AtomicLongArray(FailureKind.values().length);
    private final AtomicLongArray attemptFailures = new AtomicLongArray(FailureKind.values().length);

    void attemptFailed(FailureKind kind) {
        attemptFailures.incrementAndGet(kind.ordinal());
    }

    public void callFailed(FailureKind kind, long latencyMillis) {
        failed.incrementAndGet();
        failures.incrementAndGet(kind.ordinal());
        finished(latencyMillis);
    }

    public void callSucceeded(long latencyMillis) {
        succeeded.incrementAndGet();
        finished(latencyMillis);
    }

    private void finished(long latencyMillis) {
        totalLatency.addAndGet(latencyMillis);
        maxLatency.accumulateAndGet(latencyMillis, Math::max);
    }

    public JudgeStats snapshot() {
        return new JudgeStats(calls.get(), attempts.get(), retries.get(), succeeded.get(), failed.get(),
                toMap(failures), toMap(attemptFailures), cacheHits.get(), promptTokens.get(), completionTokens.get(),
                totalLatency.get(), maxLatency.get());
    }

    private static Map<FailureKind, Long> toMap(AtomicLongArray a) {
        Map<FailureKind, Long> m = new EnumMap<>(FailureKind.class);
        for (FailureKind k : FailureKind.values()) {
            long v = a.get(k.ordinal());
            if (v > 0) {
                m.put(k, v);
            }
        }
        return m;
    }
}
