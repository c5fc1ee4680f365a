package repo.rewards.judge;

import repo.rewards.ota.RubricRulesJudge;
import repo.rewards.api.SourceResult;

/**
 * Source names judges write into {@link SourceResult#source()}. The offline rules judge has its own name so that
 * its heuristic results are labelled everywhere they go (traces, combiners, reports) and can never pass for an
 * LLM judge's verdict.
 */
public final class JudgeSources {
    /** An LLM judge (OpenAI-compatible endpoint or in-process checkpoint). */
    public static final String JUDGE = "judge";
    /** The deterministic offline heuristics of {@link RubricRulesJudge}. */
    public static final String OFFLINE_RULES = "judge(offline-rules)";

    private JudgeSources() {
    }

    /** True for any judge source, LLM or offline: what a combiner sums into E_judge. */
    public static boolean isJudge(String source) {
        return JUDGE.equals(source) || OFFLINE_RULES.equals(source);
    }

    /** True when the result came from the offline heuristics, not from a judge model. */
    public static boolean isOffline(SourceResult result) {
        return OFFLINE_RULES.equals(result.source());
    }
}
