package repo.rewards.judge;

import repo.rewards.ota.RubricRulesJudge;
import java.util.function.Function;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;

/** Builds the judge a {@link JudgeConfig} describes. */
public final class JudgeFactory {
    private JudgeFactory() {
    }

    /** Builds the judge, reading API keys from the process environment. */
    public static Judge create(JudgeConfig config) {
        return create(config, System::getenv);
    }

    /**
     * Builds the judge.
     *
     * @param env environment lookup for {@code openai.api_key_env}
     * @throws IllegalArgumentException for an invalid rubric, a missing API key variable or an unloadable checkpoint
     */
    public static Judge create(JudgeConfig config, Function<String, String> env) {
        return create(config, env, java.util.List.of());
    }

    /**
     * Builds the judge for a pipeline whose rules {@code activeRuleIds} run beside it: rubric items those rules
     * already check ({@code covered_by_rule}) are left out of the judge's rubric ({@link Rubric#withoutItemsCoveredBy}),
     * so a breach costs points once.
     */
    public static Judge create(JudgeConfig config, Function<String, String> env, java.util.Collection<String> activeRuleIds) {
        Rubric rubric = config.loadRubric().withoutItemsCoveredBy(activeRuleIds);
        return switch (config.backend()) {
            case OPENAI -> new OpenAiJudge(config.openai(), rubric, env);
            case LOCAL -> local(config.local(), rubric);
            case OFFLINE_RULES -> new RubricRulesJudge(rubric);
        };
    }

    private static Judge local(JudgeConfig.Local cfg, Rubric rubric) {
        Qwen3Model model = Qwen3Model.load(cfg.model(), new ModelOptions(ModelOptions.parseDevice(cfg.device()),
                ModelOptions.Precision.FP32));
        QwenTokenizer tokenizer;
        try {
            tokenizer = QwenTokenizer.fromDirectory(cfg.model());
        } catch (java.io.IOException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("local judge: cannot load the tokenizer of " + cfg.model() + ": " + e.getMessage(), e);
        }
        QwenJudgeModel qwen = new QwenJudgeModel(model, tokenizer, cfg.maxNewTokens(), true);
        return new LocalJudge(rubric, qwen, cfg.batchSize(), qwen);
    }
}
