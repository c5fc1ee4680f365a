package repo.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.core.bench.ForwardBench;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure forward (prefill) and decode speed as achieved FLOP/s ÷ the FLOP/s of a 1024³ fp32 GEMM "
                + "measured in the same process.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "a checkpoint; without it, random weights of --preset")
    Path model;
    @Option(names = "--preset", defaultValue = "qwen3-0.6b", description = "shape for random weights (default: ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--device", defaultValue = "cpu", description = "(default: ${DEFAULT-VALUE})") String device;
    @Option(names = "--batch", defaultValue = "1", description = "sequences per forward (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--prompt-tokens", defaultValue = "256", description = "prompt length of the prefill timing (default: ${DEFAULT-VALUE})") int tokens;
    @Option(names = "--decode-steps", defaultValue = "32", description = "tokens decoded per repetition (default: ${DEFAULT-VALUE})") int steps;
    @Option(names = "--reps", defaultValue = "3", description = "timed repetitions; the best is reported (default: ${DEFAULT-VALUE})") int reps;

    @Override
    public Integer call() {
        ModelOptions options = new ModelOptions(ModelOptions.parseDevice(device), ModelOptions.Precision.FP32);
        try (Qwen3Model m = model != null ? Qwen3Model.load(model, options) : random(options)) {
            System.out.printf(Locale.ROOT, "model %s on %s, %d threads%n", m.config(), device,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-20s %10s %14s %14s %8s  %s%n", "figure", "seconds", "GFLOP/s", "GEMM GFLOP/s",
                    "ratio", "rate");
            for (ForwardBench.Figure f : ForwardBench.run(m, batch, tokens, steps, reps)) {
                System.out.printf(Locale.ROOT, "%-20s %10.3f %14.1f %14.1f %8.3f  %s%n", f.name(), f.seconds(),
                        f.flops() / f.seconds() / 1e9, f.gemmFlopsPerSecond() / 1e9, f.ratio(), f.unitRate());
            }
        }
        return 0;
    }

    private Qwen3Model random(ModelOptions options) {
        Qwen3Config c = Qwen3Config.Preset.parse(preset).config();
        ModelOptions.requireUsable(options.device()); // before the first array on it: a clear message, not a torch dispatch error
        NDManager tmp = Engine.getInstance().newBaseManager(options.device());
        Map<String, NDArray> w = ModelInit.randomWeights(c, 0, 0.02, false, tmp);
        Qwen3Model m = Qwen3Model.fromWeights(c, w, options);
        tmp.close(); // the weights now belong to the model's manager
        return m;
    }
}
