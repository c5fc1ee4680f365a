package repo.rewards.combine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Turns what the named sources said about one sample into one reward; which source plays which part is fixed
 * at construction ({@link Roles}). Batch-aware combiners (normalise-then-sum) override {@link #combineBatch}; the
 * pipeline always calls that. Combiners with running statistics expose them for checkpoints.
 */
@FunctionalInterface
public interface RewardCombiner {
    Combined combine(Sources sources);

    /** Combines a batch in order; the default combines each sample on its own. */
    default List<Combined> combineBatch(List<Sources> batch) {
        return batch.stream().map(this::combine).toList();
    }

    /** Running statistics a resumed run needs (e.g. the RM whitening), or null when there are none. */
    default JsonNode state() {
        return null;
    }

    /** Restores what {@link #state} returned. */
    default void restore(JsonNode state) {
    }
}
