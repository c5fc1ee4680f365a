package repo.rewards.combine;

/** What a combiner does when a source that is on failed for an item. */
public enum OnSourceFailure {
    /** The item gets no reward: {@link Combined#dropped()} is true and the trainer skips it. */
    DROP_SAMPLE,
    /**
     * Combine what is left: a failed judge or rule source counts as 0 points (and is listed in
     * {@link Combined#failedSources()}). A failed RM still drops the item under the enhancement rule, which
     * has no base without it.
     */
    USE_REMAINING
}
