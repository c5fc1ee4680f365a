package repo.rewards.combine;

import java.util.List;
import repo.rewards.api.SourceResult;

/**
 * Turns the three sources' results for one item into one reward. Any argument may be null when that
 * source is off. Batch-aware combiners (normalise-then-sum) override {@link #combineBatch}; the pipeline
 * always calls that.
 */
@FunctionalInterface
public interface RewardCombiner {
    Combined combine(SourceResult rm, SourceResult judge, SourceResult rules);

    /** Combines a batch in order; the default combines each item on its own. */
    default List<Combined> combineBatch(List<Sources> batch) {
        return batch.stream().map(s -> combine(s.rm(), s.judge(), s.rules())).toList();
    }

    /** Names of the non-null sources that failed. */
    static List<String> failed(SourceResult... sources) {
        return java.util.Arrays.stream(sources).filter(s -> s != null && s.failed()).map(SourceResult::source).toList();
    }
}
