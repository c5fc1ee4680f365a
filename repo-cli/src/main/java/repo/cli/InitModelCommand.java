package repo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import repo.core.io.HfCheckpoint;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.core.text.TokenMap;

@Command(name = "init-model", mixinStandardHelpOptions = true,
        description = "Write a randomly initialised Qwen3 checkpoint in Hugging Face format (config.json, model.safetensors, "
                + "generation_config.json, tokenizer files).")
final class InitModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "tiny, qwen3-0.6b, qwen3-1.7b, qwen3-4b, qwen3-8b, qwen3-14b, qwen3-32b (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", defaultValue = "0", description = "RNG seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (must not exist or be empty)")
    Path out;

    @Option(names = "--dtype", defaultValue = "F32", description = "storage dtype: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    SafetensorsWriter.Storage dtype;

    @Option(names = "--vocab-size", description = "override the preset's vocab_size") Integer vocab;
    @Option(names = "--hidden-size", description = "override the preset's hidden_size") Integer hidden;
    @Option(names = "--intermediate-size", description = "override the preset's intermediate_size (MLP width)") Integer intermediate;
    @Option(names = "--num-hidden-layers", description = "override the preset's number of decoder layers") Integer layers;
    @Option(names = "--num-attention-heads", description = "override the preset's query heads") Integer heads;
    @Option(names = "--num-key-value-heads", description = "override the preset's key/value heads (GQA)") Integer kvHeads;
    @Option(names = "--head-dim", description = "override the preset's head_dim") Integer headDim;

    @Option(names = "--tie-word-embeddings", arity = "1", paramLabel = "BOOL", description = "override the preset's tying")
    Boolean tie;

    @Option(names = "--init-std", defaultValue = "0.02", description = "std of the normal init (default: ${DEFAULT-VALUE})")
    double std;

    @Option(names = "--overwrite", description = "replace an existing checkpoint folder at --out (one holding config.json)")
    boolean overwrite;

    @Option(names = "--vocab-from", paramLabel = "FILE", description = "JSONL files whose text defines a task vocabulary: the model gets"
            + " one embedding row per Qwen3 token the texts use (plus the byte and special tokens) and the folder a token_map.json")
    List<Path> vocabFrom = new ArrayList<>();

    @Option(names = "--perturb-norms", description = "norm weights ~ 1 + N(0, 0.1) instead of ones (for reference tests)")
    boolean perturbNorms;

    @Override
    public Integer call() throws Exception {
        Qwen3Config c = Qwen3Config.Preset.parse(preset).config()
                .withShape(vocab, hidden, intermediate, layers, heads, kvHeads, headDim);
        if (tie != null) {
            c = c.withTieWordEmbeddings(tie);
        }
        if (overwrite) {
            HfCheckpoint.deleteCheckpointFolder(out);
        }
        TokenMap map = null;
        if (!vocabFrom.isEmpty()) {
            if (vocab != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--vocab-size and --vocab-from exclude each other:"
                        + " a task vocabulary sets vocab_size to the number of tokens its texts use");
            }
            map = TokenMap.ofJsonl(vocabFrom);
        }
        c = ModelInit.writeRandomCheckpoint(out, c, seed, std, perturbNorms, dtype, map);
        System.out.printf("wrote %s (%,d parameters, %s) to %s%n", c, c.parameterCount(), dtype, out);
        return 0;
    }
}
