package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo data generate}, {@code repo eval} and {@code repo pipeline} through {@link Main}: exit codes and outputs. */
class EvalCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void dataGenerateThenEvalOfARandomTinyModel() throws Exception {
        Path data = tmp.resolve("data");
        CliTest.Result g = CliTest.run("data", "generate", "--seed", "5", "--out", data.toString(), "--sft", "3", "--pairs", "3",
                "--prompts", "2", "--online", "2", "--bad-cases", "2", "--cases-per-dialogue", "2");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).contains("eval-badcase.jsonl").contains("wrote");
        Path model = tmp.resolve("tiny");
        assertThat(CliTest.run("init-model", "--preset", "tiny", "--seed", "3", "--out", model.toString()).code()).isZero();
        CliTest.Result e = CliTest.run("eval", "--model", model.toString(), "--set", data.resolve("eval-online.jsonl").toString(),
                "--set", data.resolve("eval-badcase.jsonl").toString(), "--out", tmp.resolve("eval").toString(), "--max-new-tokens", "3",
                "--sim-dialogues", "1", "--sim-turns", "1");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("| | base |").contains("| Severe unresolved |");
        JsonNode root = new ObjectMapper().readTree(tmp.resolve("eval/eval.json").toFile());
        assertThat(root.at("/checkpoints/0/name").asText()).isEqualTo("base");
        assertThat(root.at("/checkpoints/0/cases")).hasSize(8);
        assertThat(Files.readString(tmp.resolve("eval/report.html"))).contains("<table id=\"metrics\"");
    }

    @Test
    void badFlagsAndConfigsAreUsageErrorsOrOneLineFailures() throws Exception {
        CliTest.Result a = CliTest.run("eval", "--model", "m", "--set", "s.jsonl", "--out", "o", "--adapter", "noequals");
        assertThat(a.code()).isEqualTo(2);
        assertThat(a.err()).contains("--adapter noequals: expected NAME=DIR");
        Path cfg = tmp.resolve("p.yaml");
        Files.writeString(cfg, "methods: {stepz: 3}\n");
        CliTest.Result p = CliTest.run("pipeline", "--config", cfg.toString());
        assertThat(p.code()).isEqualTo(1);
        assertThat(p.err()).contains("p.yaml").contains("\"methods.stepz\"");
        assertThat(CliTest.run("data").code()).isEqualTo(2);
    }
}
