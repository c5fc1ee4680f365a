package repo.rewards;

import java.nio.file.Path;
import repo.rewards.api.RewardSource;
import repo.rewards.combine.CombinerKind;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.rules.RuleSet;
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

    private final CombinerKind combiner;
    private final java.util.List<String> leftToRules;

    private RewardStack(RewardPipeline pipeline, Judge judge, CombinerKind combiner, java.util.List<String> leftToRules) {
        this.pipeline = pipeline;
        this.judge = judge;
        this.combiner = combiner;
        this.leftToRules = java.util.List.copyOf(leftToRules);
    }

    /** Rubric items the judge was not asked because an active rule checks the same behaviour (empty without rules). */
    public java.util.List<String> judgeItemsLeftToRules() {
        return leftToRules;
    }

    /**
     * @param rm the reward model when {@code config.rm()} is on (the caller owns it), else null
     * @param judgeConfig a judge YAML, or null for the offline judge
     */
    public static RewardStack open(PipelineConfig config, RewardModel rm, Path judgeConfig) {
        return open(config, rm, judgeConfig, System::getenv);
    }

    /**
     * As {@link #open(PipelineConfig, RewardModel, Path)}, reading API keys through {@code env}. When the rules are
     * on, the judge's rubric leaves out the items an active rule covers ({@code covered_by_rule}), so a breach is
     * counted once; {@link #judgeItemsLeftToRules()} names them.
     */
    public static RewardStack open(PipelineConfig config, RewardModel rm, Path judgeConfig, java.util.function.Function<String, String> env) {
        java.util.List<String> activeRules = config.rules() ? config.ruleSet().ids() : java.util.List.of();
        JudgeConfig jc = config.judge() ? (judgeConfig == null ? JudgeConfig.offlineRules() : JudgeConfig.load(judgeConfig)) : null;
        java.util.List<String> leftToRules = jc == null ? java.util.List.of() : jc.loadRubric().idsCoveredBy(activeRules);
        Judge judge = jc == null ? null : JudgeFactory.create(jc, env, activeRules);
        try {
            return new RewardStack(RewardPipeline.of(config, rm == null ? null : RewardSource.model(PipelineConfig.RM, rm),
                    judge == null ? null : OtaTask.judgeSource(PipelineConfig.JUDGE, judge)), judge, config.combiner(), leftToRules);
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

    /** The rules source, or null when it is off. */
    public RuleSet ruleSet() {
        return pipeline.sources().stream().filter(s -> s instanceof RuleSet).map(s -> (RuleSet) s).findFirst().orElse(null);
    }

    /** One line saying what each source is, for logs. */
    public String describe() {
        String j = judge == null ? "off" : judge.offline() ? "offline rubric rules (no LLM)" : "on";
        if (judge != null && !judge.offline() && !leftToRules.isEmpty()) { // the offline judge never assesses them anyway
            j += " (rubric items left to the rules: " + String.join(", ", leftToRules) + ")";
        }
        boolean rm = pipeline.sources().stream().anyMatch(s -> s.name().equals(PipelineConfig.RM));
        return "rm: " + (rm ? "on" : "off") + ", judge: " + j + ", rules: "
                + (ruleSet() == null ? "off" : ruleSet().ids().size() + " rules")
                + ", combiner: " + combiner.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        if (judge != null) {
            judge.close();
        }
    }
}
