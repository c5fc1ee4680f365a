package repo.eval.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardStack;
import repo.rewards.api.RewardModel;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.trace.RewardTrace;

/**
 * The training reward pipeline as a {@link Scorer}: judge (offline rubric rules unless a judge YAML is given), the
 * rules, and the RM when one is given, combined by the enhancement rule. The only class of the evaluation that
 * touches the reward pipeline's API.
 */
public final class PipelineScorer implements Scorer, AutoCloseable {
    private final RewardStack stack;

    public PipelineScorer(RewardModel rm, Path judgeConfig) {
        this.stack = RewardStack.open(PipelineConfig.defaults().withSources(rm != null, true, true), rm, judgeConfig);
    }

    @Override
    public List<Map<String, Double>> score(List<ScoredItem> items) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (RewardTrace t : stack.pipeline().score(items.stream().map(OtaTask::sample).toList())) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (SourceResult s : t.sources()) {
                if (s != null && !s.failed()) {
                    m.put(s.source().startsWith("judge") ? "judge" : s.source(), s.value());
                }
            }
            if (t.combined() != null && t.combined().rTotal() != null) {
                m.put("total", t.combined().rTotal());
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() {
        stack.close();
    }
}
