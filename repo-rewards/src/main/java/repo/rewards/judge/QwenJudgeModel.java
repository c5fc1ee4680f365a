package repo.rewards.judge;

import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/**
 * A Qwen3 checkpoint of this library as a {@link JudgeModel}: each prompt is one user turn in the Qwen3 chat
 * template with thinking off, decoded greedily (the judge must be deterministic). Calls are serialised: the model
 * is not thread-safe. Closing it closes the model and tokenizer only when it owns them.
 */
public final class QwenJudgeModel implements JudgeModel, AutoCloseable {
    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final Generator generator;
    private final SamplingParams params;
    private final boolean owns;
    private final ChatFormat chat = new ChatFormat();

    /**
     * @param owns whether {@link #close()} closes the model and tokenizer
     */
    public QwenJudgeModel(Qwen3Model model, QwenTokenizer tokenizer, int maxNewTokens, boolean owns) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Generator(model.base(), tokenizer);
        this.params = SamplingParams.greedy(maxNewTokens);
        this.owns = owns;
    }

    @Override
    public synchronized List<String> complete(List<String> prompts) {
        // grad mode is thread-local and on by default off the engine's loading thread (docs/djl.md §2)
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            List<long[]> ids = prompts.stream()
                    .map(p -> tokenizer.encode(chat.render(List.of(Message.user(p)), true, false)))
                    .toList();
            return generator.generate(ids, params).stream().map(Generation::text).toList();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public void close() {
        if (owns) {
            tokenizer.close();
            model.close();
        }
    }
}
