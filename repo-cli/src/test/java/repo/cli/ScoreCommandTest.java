package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo score} end to end on the committed samples, through {@link Main#commandLine()}. */
class ScoreCommandTest {
    static final Path SAMPLES = Path.of("..", "data", "samples", "replies.jsonl");
    @TempDir Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void scoresTheSamplesPrintsTablesAndWritesTraces() throws Exception {
        Path traces = tmp.resolve("traces.jsonl");
        Result r = run("score", "--input", SAMPLES.toString(), "--out", traces.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("rm: off", "judge: offline rubric rules (no LLM)", "rules: 13 rules", "combiner: enhancement (n = 100)",
                "items: 13, dropped: 0");
        assertThat(r.out()).containsPattern("judge\\(offline-rules\\)\\s+13\\s+0");
        assertThat(r.out()).containsPattern("rule\\s+items hit\\s+hit rate\\s+findings\\s+points\\s+high\\s+medium\\s+low");
        assertThat(r.out()).containsPattern("internal-term-leak\\s+1\\s+7\\.7%\\s+2\\s+-100\\.0\\s+2\\s+0\\s+0");
        assertThat(r.out()).containsPattern("source\\s+n\\s+failures\\s+mean");
        assertThat(r.out()).containsPattern("rules\\s+13\\s+0\\s+-");
        List<String> lines = Files.readAllLines(traces);
        assertThat(lines).hasSize(13);
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        List<String> ruleIds = new ArrayList<>();
        for (String line : lines) {
            JsonNode t = json.readTree(line);
            ids.add(t.get("id").asText());
            t.at("/sources/rules/findings").forEach(f -> ruleIds.add(f.get("rule_id").asText()));
            assertThat(t.has("r_total")).isTrue();
            assertThat(t.has("e_enh")).isTrue();
        }
        assertThat(ids).startsWith("zh-01-good-evidence", "zh-02-internal-leak").endsWith("en-13-overlong");
        assertThat(ruleIds).contains("internal-term-leak", "price-grounding", "cot-leak", "length");
        JsonNode leak = json.readTree(lines.get(1));
        assertThat(leak.at("/sources/rules/findings/0/evidence/text").asText()).isEqualTo("工单");
        assertThat(leak.get("r_total").asDouble()).isEqualTo(-1.0);
    }

    @Test
    void aConfigChangesTheRulesAndItsErrorsNameTheKey() throws Exception {
        Path cfg = tmp.resolve("cfg.yaml");
        Files.writeString(cfg, "rules:\n  internal-term-leak: {enabled: false}\n");
        Result r = run("score", "--config", cfg.toString(), "--input", SAMPLES.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("judge: off", "rules: 12 rules").doesNotContain("internal-term-leak");

        Files.writeString(cfg, "rules:\n  internal-term-leek: {}\n");
        Result bad = run("score", "--config", cfg.toString(), "--input", SAMPLES.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("repo score: " + cfg + ": rules.internal-term-leek: unknown rule id 'internal-term-leek'; known rule ids:");

        Files.writeString(cfg, "sources: {rm: true}\n");
        Result rm = run("score", "--config", cfg.toString(), "--input", SAMPLES.toString());
        assertThat(rm.code()).isEqualTo(1);
        assertThat(rm.err()).contains("sources.rm is on; give --rm-model DIR and --rm-head FILE");
    }

    @Test
    void aBadInputLineStopsBeforeScoring() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(SAMPLES));
        lines.set(2, lines.get(2).replace("\"role\": \"hotel\"", "\"role\": \"manager\""));
        Files.write(in, lines);
        Path out = tmp.resolve("never.jsonl");
        Result r = run("score", "--input", in.toString(), "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(in + ":3: history[1]: unknown role \"manager\"; expected \"agent\" or \"hotel\"");
        assertThat(out).doesNotExist();
        assertThat(run("score").code()).isEqualTo(2); // --input is required
    }
}
