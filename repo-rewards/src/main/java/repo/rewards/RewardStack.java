package repo.rewards;

import java.nio.file.Path;
import repo.rewards.api.RewardModel;
import repo.rewards.judge.Judge;
import repo.rewards.judge.JudgeConfig;
import repo.rewards.judge.JudgeFactory;

/**
 * A {@link RewardPipeline} with the judge it owns: the judge named by a judge YAML, or, when the pipeline
 * turns the judge on and no YAML is given, the offline rubric-rules judge (labelled
 * {@code judge(offline-rules)} in every trace). Closing it closes the judge (HTTP client, cache file).
 */
public final class RewardStack implements AutoCloseable {
    private final RewardPipeline pipeline;
    private final Judge judge;

    private RewardStack(RewardPipeline pipeline, Judge judge) {
        this.pipeline = pipeline;
        this.judge = judge;
    }

    /**
     * @param rm the reward model when {@code config.rm()} is on (the caller owns it), else null
     * @param judgeConfig a judge YAML, or null for the offline judge
     */
    public static RewardStack open(PipelineConfig config, RewardModel rm, Path judgeConfig) {
        Judge judge = config.judge()
                ? JudgeFactory.create(judgeConfig == null ? JudgeConfig.offlineRules() : JudgeConfig.load(judgeConfig))
                : null;
        try {
            return new RewardStack(new RewardPipeline(config, rm, judge), judge);
        } catch (RuntimeException e) {
            if (judge != null) {
                judge.close();
            }
            throw e;
        }
    }

    public RewardPipeline pipeline() {
        return pipeline;
    }

    /** The judge in use, or null when the judge source is off. */
    public Judge judge() {
        return judge;
    }

    /** One line saying what each source is, for logs. */
    public String describe() {
        PipelineConfig c = pipeline.config();
        String j = judge == null ? "off" : judge.offline() ? "offline rubric rules (no LLM)" : "on";
        return "rm: " + (c.rm() ? "on" : "off") + ", judge: " + j + ", rules: "
                + (pipeline.ruleSet() == null ? "off" : pipeline.ruleSet().ids().size() + " rules")
                + ", combiner: " + c.combiner().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        if (judge != null) {
            judge.close();
        }
    }
}
