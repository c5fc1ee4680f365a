package repo.rewards.api;

import java.util.List;

/** The preference-trained reward model (RM): one unbounded scalar per item, scored in batches. */
@FunctionalInterface
public interface RewardModel {
    /** One result per item, in order; source "rm". */
    List<SourceResult> score(List<ScoredItem> items);
}
