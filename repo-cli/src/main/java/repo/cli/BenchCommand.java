package repo.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.core.bench.DecodeBench;
import repo.core.bench.ForwardBench;
import repo.core.bench.LoadBench;
import repo.core.bench.MachineBench;
import repo.core.io.SafeFiles;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.trainer.common.Checkpoints;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill, decode, LoRA-step, load and RL-step speed against what the machine does in the same "
                + "process (a 1024³ fp32 GEMM, a large memory copy); --out writes every figure as JSON.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "a checkpoint (a task-vocabulary model included); without it, "
            + "random weights of --preset, written to a temporary folder with the full Qwen3 vocabulary")
    Path model;
    @Option(names = "--preset", defaultValue = "qwen3-0.6b", description = "shape for random weights (default: ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--device", defaultValue = "cpu", description = "(default: ${DEFAULT-VALUE})") String device;
    @Option(names = "--batch", defaultValue = "1", description = "rows of the prefill/decode table (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--prompt-tokens", defaultValue = "256", description = "prompt length (default: ${DEFAULT-VALUE})") int tokens;
    @Option(names = "--decode-steps", defaultValue = "32", description = "tokens decoded per repetition (default: ${DEFAULT-VALUE})") int steps;
    @Option(names = "--train-batch", defaultValue = "4", description = "rows of the LoRA step (default: ${DEFAULT-VALUE})") int trainBatch;
    @Option(names = "--train-tokens", defaultValue = "512", description = "sequence length of the LoRA step (default: ${DEFAULT-VALUE})") int trainTokens;
    @Option(names = "--kv-new-tokens", defaultValue = "256", description = "new tokens of kv_speedup_N (default: ${DEFAULT-VALUE})") int kvNew;
    @Option(names = "--reps", defaultValue = "3", description = "timed repetitions; the best is reported (default: ${DEFAULT-VALUE})") int reps;
    @Option(names = "--rl-config", paramLabel = "FILE.yaml", description = "an RL configuration (e.g. configs/tiny-repo.yaml) whose "
            + "trainer runs --rl-steps steps into a temporary folder, for rl_step_s and its split; without it those are null") Path rlConfig;
    @Option(names = "--rl-steps", defaultValue = "3", description = "(default: ${DEFAULT-VALUE}; the first is not timed)") int rlSteps;
    @Option(names = "--threads", paramLabel = "N", description = "libtorch intra-op threads (default: the engine's, one per core)")
    Integer threads;
    @Option(names = "--out", paramLabel = "FILE.json", description = "write every figure here (temporary file, then rename)") Path out;

    @Override
    public Integer call() throws IOException {
        if (out != null) {
            SafeFiles.checkOutputFile(out); // before minutes of measuring
        }
        if (threads != null) {
            Engine.getInstance();
            JniUtils.setNumThreads(threads);
        }
        ModelOptions options = ModelOptions.parse(device, ModelOptions.Precision.FP32);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("threads", threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        Path tmp = model == null ? Files.createTempDirectory("repo-bench-model") : null;
        try {
            Path dir = model;
            if (dir == null) {
                dir = tmp.resolve("model");
                ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.parse(preset).config(), 0, 0.02, false,
                        SafetensorsWriter.Storage.F32);
            }
            LoadBench.Figures load = LoadBench.run(dir, options, 1);
            try (Qwen3Model m = Qwen3Model.load(dir, options); QwenTokenizer tok = QwenTokenizer.fromDirectory(dir)) {
                measure(m, tok, f);
            }
            f.put("load_s", load.loadSeconds());
            f.put("load_vs_raw", load.ratio());
        } finally {
            if (tmp != null) {
                Checkpoints.deleteTree(tmp);
            }
        }
        Map<String, Double> rl = rlConfig == null ? null : RlBench.run(rlConfig, rlSteps);
        RlBench.KEYS.forEach(k -> f.put(k, rl == null ? Double.NaN : rl.get(k))); // NaN: null in the JSON
        f.put("peak_rss_mb", MachineBench.peakRssMb());
        f.put("peak_heap_mb", MachineBench.peakHeapMb());
        f.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-24s %s%n", k, v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v));
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            f.forEach((k, v) -> json.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
            SafeFiles.write(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json));
        }
        return 0;
    }

    private void measure(Qwen3Model m, QwenTokenizer tok, Map<String, Object> f) {
        double gemm = MachineBench.gemmFlopsPerSecond(m.manager(), 1024, 5);
        double bw = MachineBench.copyBytesPerSecond(m.manager(), 256, reps);
        double perOp = MachineBench.secondsPerOp(m.manager(), reps);
        System.out.printf(Locale.ROOT, "model %s on %s, %d cores%n", m.config(), device, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-20s %10s %14s %14s %8s  %s%n", "figure", "seconds", "GFLOP/s", "GEMM GFLOP/s", "ratio", "rate");
        List<ForwardBench.Figure> table = ForwardBench.run(m, batch, tokens, steps, reps, trainBatch, trainTokens, gemm);
        for (ForwardBench.Figure x : table) {
            System.out.printf(Locale.ROOT, "%-20s %10.3f %14.1f %14.1f %8.3f  %s%n", x.name(), x.seconds(),
                    x.flops() / x.seconds() / 1e9, x.gemmFlopsPerSecond() / 1e9, x.ratio(), x.unitRate());
        }
        f.put("model", m.config().toString());
        f.put("cores", Runtime.getRuntime().availableProcessors());
        f.put("gemm_gflops", gemm / 1e9);
        f.put("bandwidth_gbs", bw / 1e9);
        f.put("seconds_per_op_us", perOp * 1e6);
        f.put("forward_mfu", table.get(0).ratio());
        f.put("train_mfu", table.get(2).ratio());
        f.put("train_step_s", table.get(2).seconds());
        double b1 = DecodeBench.tokensPerSecond(m, tok, 1, tokens, steps, reps);
        f.put("decode_tok_s_b1", b1);
        f.put("decode_tok_s_b8", DecodeBench.tokensPerSecond(m, tok, 8, tokens, steps, reps));
        double bound = bw / DecodeBench.bytesPerToken(m, tokens + steps / 2);
        f.put("decode_bound_tok_s_b1", bound);
        f.put("decode_vs_bandwidth_b1", b1 / bound);
        DecodeBench.KvFigures kv = DecodeBench.kvCache(m, tokens, kvNew, 4);
        f.put("kv_speedup_" + kvNew, kv.speedup());
        f.put("decode_ops_per_step", kv.opsPerStep());
        f.put("host_overhead_share", kv.opsPerStep() < 0 ? Double.NaN : Math.min(1, kv.opsPerStep() * perOp / kv.cachedStepSeconds()));
    }
}
