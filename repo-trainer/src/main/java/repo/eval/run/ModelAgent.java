package repo.eval.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.io.PeftAdapters;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.QwenTokenizer;
import repo.rewards.ota.AgentPrompt;

/**
 * A checkpoint as an {@link Agent}: one base model, optionally with LoRA adapters, greedy decoding (so an evaluation
 * is reproducible), the policy's prompt ({@link AgentPrompt}) through the chat template with thinking off. The only
 * class of the evaluation that touches the model API.
 */
public final class ModelAgent implements AutoCloseable {
    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final ChatFormat chat = new ChatFormat();
    private final int maxNewTokens;
    private final int batch;

    public ModelAgent(Path modelDir, ModelOptions options, int maxNewTokens, int batch) throws Exception {
        this.model = Qwen3Model.load(modelDir, options);
        try {
            this.tokenizer = QwenTokenizer.fromDirectory(modelDir);
        } catch (Exception e) {
            model.close();
            throw e;
        }
        this.maxNewTokens = maxNewTokens;
        this.batch = batch;
    }

    /** Loads a PEFT adapter folder under a name (not active yet). */
    public void addAdapter(String name, Path dir) {
        PeftAdapters.load(model, name, dir);
    }

    /** The agent with the named adapter active, or the base model for null. */
    public Agent with(String adapter) {
        return prompts -> {
            Generator gen = new Generator(adapter == null ? model.base() : model.with(adapter), tokenizer);
            List<long[]> ids = new ArrayList<>();
            for (Agent.Prompt p : prompts) {
                ids.add(tokenizer.encode(chat.render(AgentPrompt.messages(p.task(), p.history()), true, false)));
            }
            // batches of similar length: less left padding (greedy replies do not depend on the batch)
            Integer[] order = java.util.stream.IntStream.range(0, ids.size()).boxed().toArray(Integer[]::new);
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> ids.get(i).length));
            String[] out = new String[ids.size()];
            for (int i = 0; i < order.length; i += batch) {
                List<Integer> rows = List.of(order).subList(i, Math.min(order.length, i + batch));
                List<Generation> gens = gen.generate(rows.stream().map(ids::get).toList(), SamplingParams.greedy(maxNewTokens));
                for (int k = 0; k < rows.size(); k++) {
                    out[rows.get(k)] = gens.get(k).text().strip();
                }
            }
            return List.of(out);
        };
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            model.close();
        }
    }
}
