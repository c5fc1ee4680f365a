package repo.rewards.api;

/** An LLM judge (RJ) with an editable deduction rubric: points plus per-rubric-item findings. */
@FunctionalInterface
public interface RewardJudge {
    /** An expected failure (timeout, unparsable answer) is returned as {@link SourceResult#failure}, not thrown. */
    SourceResult judge(Sample sample);
}
