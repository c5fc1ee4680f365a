package repo.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import repo.core.io.SafetensorsWriter;
import repo.core.model.Qwen3Model;

@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits of every position for given token ids as one float32 tensor `logits` [T, V].")
final class LogitsCommand implements Callable<Integer> {
    @Mixin ModelOptionsMixin model;
    @Option(names = "--token-ids", required = true, split = ",", paramLabel = "IDS", description = "comma-separated ids, e.g. 1,2,3")
    long[] ids;
    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors") Path out;

    @Override
    public Integer call() throws Exception {
        try (Qwen3Model m = Qwen3Model.load(model.model, model.options()); NDScope scope = new NDScope()) {
            long vocab = m.config().vocabSize();
            for (long id : ids) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("--token-ids: id " + id + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            NDArray input = m.manager().create(ids, new Shape(1, ids.length));
            NDArray logits = m.base().forward(input, null, null).squeeze(0); // (T, V)
            SafetensorsWriter.write(out, Map.of("logits", logits), Map.of(), SafetensorsWriter.Storage.F32);
        }
        System.out.println("wrote logits [" + ids.length + ", V] to " + out);
        return 0;
    }
}
