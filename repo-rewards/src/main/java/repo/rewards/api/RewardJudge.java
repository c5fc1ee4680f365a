package repo.rewards.api;

/** An LLM judge (RJ) with an editable deduction rubric: points plus per-rubric-item findings. */
@FunctionalInterface
public interface RewardJudge {
    /** Source "judge"; a failure is returned as {@link SourceResult#failure}, never thrown. */
    SourceResult judge(ScoredItem item);
}
