package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo plan} prints a plan with the hand-checked Qwen3-32B figures and refuses one that does not fit. */
class PlanCommandTest {
    @TempDir Path tmp;

    @Test
    void planPrintsTheItemsAndRefusesWhatDoesNotFit() throws Exception {
        Path config = Files.writeString(tmp.resolve("q32.yaml"), """
                algorithm: repo
                model: %s
                output: %s
                precision: FP16_WEIGHTS
                data: {train: prompts.jsonl}
                lora: {r: 64, alpha: 64}
                rollout: {max_new_tokens: 512, prompts_per_step: 128}
                ppo: {minibatch_size: 8}
                rewards: {rm_adapter: rm/adapter, rm_head: rm/score_head.safetensors}
                """.formatted(tmp.resolve("absent-model"), tmp.resolve("run")));
        CliTest.Result fits = CliTest.run("plan", "--config", config.toString(), "--preset", "qwen3-32b", "--checkpointing",
                "--micro-batch", "1", "--rollout-chunk", "32", "--logits-chunk", "1024");
        assertThat(fits.code()).as(fits.err()).isZero();
        assertThat(fits.out()).contains("weights").contains("65.52 GB").contains("activations, checkpointed").contains("5.43 GB")
                .contains("fp16 KV cache").contains("KV cache (rollouts)").contains("8.59 GB").contains("fits: peak 92.15 GB of 141.00 GB");
        CliTest.Result naive = CliTest.run("plan", "--config", config.toString(), "--preset", "qwen3-32b", "--gpu-mem", "80");
        assertThat(naive.code()).isEqualTo(1);
        assertThat(naive.err()).contains("does not fit: training needs").contains("gradient checkpointing")
                .contains("rollouts need").contains("smaller chunks");
        CliTest.Result noShape = CliTest.run("plan", "--config", config.toString());
        assertThat(noShape.code()).isNotZero();
        assertThat(noShape.err()).contains("absent-model").contains("--preset");
    }

    /** Without the flags the plan reads train.gradient_checkpointing and train.logits_chunk; a flag overrides the config. */
    @Test
    void theMemoryKnobsComeFromTheConfigUnlessFlagged() throws Exception {
        Path config = Files.writeString(tmp.resolve("sft.yaml"), """
                algorithm: sft
                model: %s
                output: %s
                data: {train: sft.jsonl}
                train: {gradient_checkpointing: true, logits_chunk: 256}
                """.formatted(tmp.resolve("absent-model"), tmp.resolve("run")));
        CliTest.Result fromConfig = CliTest.run("plan", "--config", config.toString(), "--preset", "qwen3-0.6b");
        assertThat(fromConfig.code()).as(fromConfig.err()).isZero();
        assertThat(fromConfig.out()).contains("checkpointing on").contains("logits chunk 256 rows");
        CliTest.Result flagged = CliTest.run("plan", "--config", config.toString(), "--preset", "qwen3-0.6b", "--no-checkpointing",
                "--logits-chunk", "0");
        assertThat(flagged.code()).as(flagged.err()).isZero();
        assertThat(flagged.out()).contains("checkpointing off").contains("logits chunk off");
    }
}
