package repo.rewards.api;

import java.util.List;

/** A preference-trained reward model (RM): one unbounded scalar per sample, scored in batches. */
@FunctionalInterface
public interface RewardModel {
    /** One result per sample, in order. */
    List<SourceResult> score(List<Sample> samples);
}
