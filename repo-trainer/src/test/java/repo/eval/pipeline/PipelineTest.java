package repo.eval.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.eval.report.EvalJson;
import repo.eval.report.ReportCheck;

/** The main job on a minimal budget: every stage runs, eval.json has the six rows, the report renders, a rerun resumes. */
class PipelineTest {
    static final String MICRO = """
            data: {sft: 6, pairs: 6, prompts: 4, online: 1, bad_cases: 1}
            pretrain: {steps: 1, batch_size: 1}
            methods: {steps: 2, batch_size: 2, lora_r: 2}
            rm: {steps: 1, batch_size: 2}
            rl: {max_new_tokens: 4, group_size: 2, epochs: 1}
            eval: {max_new_tokens: 4, sim_dialogues: 1, sim_turns: 1, batch: 8}
            """;

    @TempDir
    Path tmp;

    @Test
    void specValidationNamesTheFileAndTheKey() throws Exception {
        assertThatThrownBy(() -> PipelineSpec.parse("methods: {step: 3}", "p.yaml")).hasMessageContaining("p.yaml")
                .hasMessageContaining("\"methods.step\"").hasMessageContaining("steps");
        assertThatThrownBy(() -> PipelineSpec.parse("pretrain: {lr: -1}", "p.yaml")).hasMessageContaining("\"pretrain.lr\"");
        assertThatThrownBy(() -> PipelineSpec.parse("methods: {batch_size: 3}", "p.yaml")).hasMessageContaining("rl.group_size");
        assertThat(PipelineSpec.parse("", "p.yaml").methods().steps()).isEqualTo(12);
        PipelineSpec s = PipelineSpec.parse(MICRO + "seed: 7\noutput: \"/tmp/a b\"\n", "m");
        assertThat(PipelineSpec.parse(s.toYaml(), "back")).isEqualTo(s);
    }

    @Test
    void theCommittedConfigParses() throws Exception {
        Path cfg = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("configs/tiny-pipeline.yaml");
        PipelineSpec s = PipelineSpec.load(cfg);
        assertThat(s.data().online()).isEqualTo(30);
        assertThat(s.data().badCases()).isEqualTo(45);
    }

    @Test
    void runsEveryStageWritesSixCheckpointsAndResumesAnInterruptedStage() throws Exception {
        PipelineSpec spec = PipelineSpec.parse("output: " + tmp.resolve("run") + "\n" + MICRO, "micro");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Pipeline(spec, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String log = buf.toString(StandardCharsets.UTF_8);
        for (String stage : List.of("data", "init", "pretrain", "sft", "rm", "dpo", "ppo", "grpo", "repo", "eval")) {
            assertThat(log).contains("] " + stage + ": done in");
        }
        Path run = tmp.resolve("run");
        JsonNode root = new ObjectMapper().readTree(run.resolve("eval.json").toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode cp : root.get("checkpoints")) {
            names.add(cp.get("name").asText());
            List<String> keys = new ArrayList<>();
            cp.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactlyElementsOf(EvalJson.CHECKPOINT_KEYS);
        }
        assertThat(names).containsExactly("base", "sft", "dpo", "ppo", "grpo", "repo");
        assertThat(log).contains("| | base | sft | dpo | ppo | grpo | repo |").contains("| Clean fix |");
        ReportCheck.assertRendersInChromium(run.resolve("report.html"), tmp.resolve("profile"));

        // interrupt: ppo lost its final state and its marker after a complete checkpoint at step 1; eval must rerun
        Files.delete(run.resolve("stages/ppo.done"));
        Files.delete(run.resolve("stages/eval.done"));
        Pipeline.deleteTree(run.resolve("ppo/final"));
        buf.reset();
        new Pipeline(spec, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String again = buf.toString(StandardCharsets.UTF_8);
        assertThat(again).contains("] pretrain: done earlier, skipped").contains("] repo: done earlier, skipped")
                .contains("ppo: resuming from").contains("] ppo: done in").contains("] eval: done in");
        assertThat(run.resolve("ppo/final/policy/adapter_model.safetensors")).exists();
    }
}
