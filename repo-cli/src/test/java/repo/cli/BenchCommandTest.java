package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;

/**
 * {@code repo bench --out} writes every figure it promises as a finite number (values are machine-dependent and not
 * asserted), the RL split from running an RL configuration's trainer in a temporary folder; it refuses a link as --out.
 */
class BenchCommandTest {
    @TempDir Path tmp;

    static final List<String> KEYS = List.of("gemm_gflops", "bandwidth_gbs", "forward_mfu", "train_mfu", "decode_tok_s_b1",
            "decode_tok_s_b8", "decode_vs_bandwidth_b1", "kv_speedup_256", "host_overhead_share", "load_vs_raw", "peak_rss_mb",
            "peak_heap_mb", "rl_step_s", "rl_generation_s", "rl_scoring_s", "rl_old_logprobs_s", "rl_update_s");

    @Test
    void benchWritesEveryKeyWithTheRlStepSplit() throws Exception {
        Path model = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 5, 0.3, false, SafetensorsWriter.Storage.F32);
        String task = "{\"hotel\": {\"name\": \"成都春熙路大酒店\", \"star_level\": 4, \"city\": \"成都\"}, \"tickets\": [{\"room_type\": "
                + "\"豪华大床房\", \"dates\": \"2026-12-01..2026-12-03\", \"sale_price\": 980, \"net_price\": 860, \"target_price\": 800, "
                + "\"floor_price\": 760}], \"competitors\": []}";
        Path prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"p1\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"您好，请问有什么事？\"}]}"));
        Path pipeline = Files.writeString(tmp.resolve("rewards.yaml"), "sources: {rm: false, judge: true, rules: true}\n");
        Path config = Files.writeString(tmp.resolve("rl.yaml"), """
                algorithm: ppo
                model: %s
                output: %s
                data: {train: %s}
                lora: {r: 4, alpha: 8}
                rollout: {max_new_tokens: 3, prompts_per_step: 2, top_k: 8}
                ppo: {epochs: 1, minibatch_size: 2}
                rewards: {pipeline: %s, traces: false}
                train: {gradient_checkpointing: true, logits_chunk: 4}
                """.formatted(model, tmp.resolve("never-written"), prompts, pipeline));
        Path out = tmp.resolve("bench.json");
        CliTest.Result r = CliTest.run("bench", "--model", model.toString(), "--prompt-tokens", "8", "--decode-steps", "3",
                "--reps", "1", "--train-batch", "1", "--train-tokens", "8", "--threads", "1", "--rl-config", config.toString(),
                "--rl-steps", "2", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("GEMM GFLOP/s").contains("prefill 1x8").contains("lora step 1x8").contains("decode_tok_s_b8");
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        for (String k : KEYS) {
            assertThat(j.has(k)).as(k).isTrue();
            assertThat(j.get(k).isNumber()).as(k + " = " + j.get(k)).isTrue();
            assertThat(Double.isFinite(j.get(k).asDouble())).as(k).isTrue();
        }
        assertThat(j.get("rl_step_s").asDouble()).isPositive();
        assertThat(tmp.resolve("never-written")).doesNotExist();                // the RL run went to a temporary folder

        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), out);
        CliTest.Result refused = CliTest.run("bench", "--model", model.toString(), "--out", link.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("link.json").contains("refusing");
    }
}
