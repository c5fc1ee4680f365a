package repo.cli;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.core.model.LoraConfig;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.plan.MemoryPlan;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Memory per device of a training configuration (weights, each adapter, gradients, optimizer state, "
                + "activations with and without checkpointing, logits, rollout KV cache); exits 1, naming the numbers and "
                + "the knob to turn, when it does not fit.")
final class PlanCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE.yaml", description = "the training configuration to plan") Path config;
    @Option(names = "--gpus", defaultValue = "1", description = "devices the layers are spread over (default: ${DEFAULT-VALUE})") int gpus;
    @Option(names = "--gpu-mem", defaultValue = "141", paramLabel = "GB", description = "memory per device in GB (default: ${DEFAULT-VALUE}, an H200)")
    double gpuMem;
    @Option(names = "--preset", description = "model shape when the config's model folder is not on this machine (e.g. qwen3-32b)")
    String preset;
    @Option(names = "--prompt-tokens", defaultValue = "512", description = "prompt length (default: ${DEFAULT-VALUE})") int promptTokens;
    @Option(names = "--checkpointing", negatable = true, description = "gradient checkpointing per decoder layer "
            + "(default: the config's train.gradient_checkpointing)") Boolean checkpointingFlag;
    @Option(names = "--micro-batch", description = "sequences per forward/backward (default: ppo.minibatch_size)") Integer microBatch;
    @Option(names = "--rollout-chunk", description = "sequences generated at once (default: all of a step's rollouts)") Integer rolloutChunk;
    @Option(names = "--logits-chunk", paramLabel = "N", description = "LM-head rows at a time; 0 = the whole (B, T, V) (default: the config's train.logits_chunk)")
    Integer logitsChunkFlag;

    @Override
    public Integer call() {
        TrainConfig c = TrainConfig.load(config);
        boolean checkpointing = checkpointingFlag != null ? checkpointingFlag : c.train().gradientCheckpointing();
        int logitsChunk = logitsChunkFlag != null ? logitsChunkFlag : c.train().logitsChunk();
        Qwen3Config shape = shape(c);
        boolean rl = c.algorithm() == Algorithm.PPO || c.algorithm() == Algorithm.GRPO || c.algorithm() == Algorithm.REPO;
        boolean critic = c.algorithm() == Algorithm.PPO || c.algorithm() == Algorithm.REPO;
        LoraConfig lora = c.lora().toLoraConfig();
        int rollouts = rl ? c.rollout().promptsPerStep() * (c.algorithm() == Algorithm.GRPO ? c.grpo().groupSize() : 1) : 1;
        int frozen = rl && c.rewards().rmAdapter() != null ? 1 : 0;
        int wBytes = c.precision() == ModelOptions.Precision.FP16_WEIGHTS ? 2 : 4;
        int kvBytes = new ModelOptions(Device.gpu(0), c.precision()).kvCacheType().getNumOfBytes(); // the cache a GPU run keeps
        MemoryPlan.Inputs in = new MemoryPlan.Inputs(shape, wBytes, kvBytes, lora.r(), lora.targetModules(), critic ? 2 : 1, frozen,
                critic ? 2 : 1, promptTokens, rl ? c.rollout().maxNewTokens() : 0, rollouts,
                rolloutChunk != null ? rolloutChunk : rollouts, microBatch != null ? microBatch : rl ? c.ppo().minibatchSize() : 1,
                checkpointing, logitsChunk, gpus);
        MemoryPlan.Plan p = MemoryPlan.plan(in);
        System.out.printf(Locale.ROOT, "%s on %d device(s) of %.0f GB: %s, %s weights, %s KV cache, LoRA r=%d on %s%n",
                c.algorithm().yamlName(), gpus, gpuMem, shape, wBytes == 2 ? "fp16" : "fp32", kvBytes == 2 ? "fp16" : "fp32", lora.r(),
                lora.targetModules());
        System.out.printf(Locale.ROOT, "sequences of %d + %d tokens, %d rollouts per step generated %d at a time, micro-batch %d, "
                + "checkpointing %s, logits chunk %s%n", promptTokens, in.newTokens(), rollouts, in.rolloutChunk(), in.microBatch(),
                checkpointing ? "on" : "off", logitsChunk > 0 ? logitsChunk + " rows" : "off");
        p.items().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-38s %12s%n", k, MemoryPlan.gb(v)));
        System.out.printf(Locale.ROOT, "  %-38s %12s%n  %-38s %12s%n", "peak, training phase", MemoryPlan.gb(p.trainPeak()),
                "peak, rollout phase", MemoryPlan.gb(p.rolloutPeak()));
        List<String> problems = MemoryPlan.problems(in, p, gpuMem * 1e9);
        if (problems.isEmpty()) {
            System.out.printf(Locale.ROOT, "fits: peak %s of %s per device%n", MemoryPlan.gb(p.peak()), MemoryPlan.gb(gpuMem * 1e9));
            return 0;
        }
        problems.forEach(s -> System.err.println("does not fit: " + s));
        return 1;
    }

    private Qwen3Config shape(TrainConfig c) {
        if (preset != null) {
            return Qwen3Config.Preset.parse(preset).config();
        }
        Path json = c.model().resolve("config.json");
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException(config + ": model " + c.model() + " has no config.json on this machine; "
                    + "pass --preset (e.g. qwen3-32b) for its shape");
        }
        return Qwen3Config.fromHfJson(json);
    }
}
