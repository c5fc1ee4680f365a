package repo.rewards;

import java.util.ArrayList;
import java.util.List;
import repo.rewards.api.RewardJudge;
import repo.rewards.api.RewardModel;
import repo.rewards.api.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.rewards.combine.RewardCombiner;
import repo.rewards.combine.Sources;
import repo.rewards.ota.rules.RuleSet;
import repo.rewards.trace.RewardTrace;

/**
 * Scores items with the sources a {@link PipelineConfig} turns on and combines them: RM (batched), judge
 * and rules (per item), then the configured combiner over the batch. A source that throws becomes a
 * failed {@link SourceResult} (never a silent score) and the failure policy decides the item's fate.
 */
public final class RewardPipeline {
    private final PipelineConfig config;
    private final RewardModel rm;
    private final RewardJudge judge;
    private final RuleSet rules;
    private final RewardCombiner combiner;

    /**
     * @param rm the reward model, required when {@code config.rm()} is on (ignored otherwise); may be null
     * @param judge the judge, required when {@code config.judge()} is on (ignored otherwise); may be null
     */
    public RewardPipeline(PipelineConfig config, RewardModel rm, RewardJudge judge) {
        if (config.rm() && rm == null) {
            throw new IllegalArgumentException(config.origin() + ": sources.rm is on but no reward model was given");
        }
        if (config.judge() && judge == null) {
            throw new IllegalArgumentException(config.origin() + ": sources.judge is on but no judge was given");
        }
        if (!config.rm() && !config.judge() && !config.rules()) {
            throw new IllegalArgumentException(config.origin() + ": every source is off; turn on at least one of sources.rm, judge, rules");
        }
        this.config = config;
        this.rm = config.rm() ? rm : null;
        this.judge = config.judge() ? judge : null;
        this.rules = config.rules() ? config.ruleSet() : null;
        this.combiner = config.newCombiner();
    }

    public PipelineConfig config() {
        return config;
    }

    /** The configured rules, or null when the rules source is off. */
    public RuleSet ruleSet() {
        return rules;
    }

    /** One trace per item, in order. */
    public List<RewardTrace> score(List<ScoredItem> items) {
        List<SourceResult> rmResults = rm == null ? null : scoreRm(items);
        List<SourceResult> judged = judgeAll(items);
        List<Sources> sources = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ScoredItem item = items.get(i);
            SourceResult j = judged == null ? null : judged.get(i);
            SourceResult r = rules == null ? null : rules.evaluate(item);
            sources.add(new Sources(rmResults == null ? null : rmResults.get(i), j, r));
        }
        List<Combined> combined = combiner.combineBatch(sources);
        List<RewardTrace> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Sources s = sources.get(i);
            List<SourceResult> on = new ArrayList<>();
            for (SourceResult x : new SourceResult[] {s.rm(), s.judge(), s.rules()}) {
                if (x != null) {
                    on.add(x);
                }
            }
            out.add(new RewardTrace(items.get(i).id(), i, on, combined.get(i)));
        }
        return out;
    }

    private List<SourceResult> scoreRm(List<ScoredItem> items) {
        long t0 = System.nanoTime();
        try {
            List<SourceResult> r = rm.score(items);
            if (r == null || r.size() != items.size()) {
                throw new IllegalStateException("the reward model returned " + (r == null ? "null" : r.size() + " results") + " for "
                        + items.size() + " items");
            }
            return r;
        } catch (RuntimeException e) {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            return items.stream().map(it -> SourceResult.failure("rm", why, ms)).toList();
        }
    }

    /** Every item's judge result; a {@link repo.rewards.judge.Judge} judges the batch concurrently within its limit. */
    private List<SourceResult> judgeAll(List<ScoredItem> items) {
        if (judge == null) {
            return null;
        }
        if (judge instanceof repo.rewards.judge.Judge batched) {
            try {
                List<SourceResult> all = batched.judgeAll(items);
                if (all != null && all.size() == items.size() && all.stream().allMatch(java.util.Objects::nonNull)) {
                    return all;
                }
            } catch (RuntimeException e) {
                // fall through to one-by-one, where each failure is recorded per item
            }
        }
        List<SourceResult> out = new ArrayList<>();
        items.forEach(item -> out.add(judgeOne(item)));
        return out;
    }

    private SourceResult judgeOne(ScoredItem item) {
        long t0 = System.nanoTime();
        try {
            SourceResult r = judge.judge(item);
            if (r == null) {
                throw new IllegalStateException("the judge returned null");
            }
            return r;
        } catch (RuntimeException e) {
            return SourceResult.failure("judge", e.getMessage() == null ? e.toString() : e.getMessage(), (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
