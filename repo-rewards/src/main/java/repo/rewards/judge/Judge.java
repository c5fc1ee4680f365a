package repo.rewards.judge;

import repo.rewards.ota.RubricRulesJudge;
import java.util.ArrayList;
import java.util.List;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;

/**
 * A judge backend as {@link JudgeFactory} builds it, over the rubric's items: batch scoring, counters, and a
 * resource to close; {@link repo.rewards.ota.OtaTask#judgeSource} makes it a reward source. A failure is a
 * {@link SourceResult#failure} with the reason, counted in {@link #stats()}, never an exception and never a score.
 */
public interface Judge extends AutoCloseable {

    /** One item's verdict; a failure is returned as {@link SourceResult#failure}, never thrown. */
    SourceResult judge(ScoredItem item);

    /** One result per item, in order. The default judges one by one; backends override it to run in parallel. */
    default List<SourceResult> judgeAll(List<ScoredItem> items) {
        List<SourceResult> out = new ArrayList<>(items.size());
        for (ScoredItem item : items) {
            out.add(judge(item));
        }
        return out;
    }

    /** A snapshot of this judge's counters. */
    JudgeStats stats();

    /** True when results come from offline heuristics rather than a model ({@link RubricRulesJudge}). */
    default boolean offline() {
        return false;
    }

    /** The {@link SourceResult#source()} this judge writes. */
    default String sourceName() {
        return offline() ? JudgeSources.OFFLINE_RULES : JudgeSources.JUDGE;
    }

    @Override
    default void close() {
    }
}
