package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo score} exits 3 when a source failed for more than {@code --max-failure-share} of the items. */
class ScoreFailureShareTest {
    @TempDir Path tmp;

    @Test
    void everyJudgeCallFailingIsExit3UnlessTheShareAllowsIt() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort(); // closed again: connections are refused
        }
        Path judge = Files.writeString(tmp.resolve("judge.yaml"), "backend: openai\nopenai: {base_url: http://127.0.0.1:" + port
                + "/v1, model: m, max_retries: 0, timeout_ms: 2000, cache: false}\n");
        Path cfg = Files.writeString(tmp.resolve("p.yaml"), "sources: {rm: false, judge: true, rules: true}\n");
        Path traces = tmp.resolve("traces.jsonl");
        String[] base = {"score", "--config", cfg.toString(), "--judge", judge.toString(), "--input",
                ScoreCommandTest.SAMPLES.toString(), "--out", traces.toString()};
        ScoreCommandTest.Result r = ScoreCommandTest.run(base);
        assertThat(r.code()).as(r.err()).isEqualTo(ScoreCommand.EXIT_SOURCE_FAILURES).isEqualTo(3);
        assertThat(r.err()).startsWith("repo score: source judge failed for 13 of 13 items (100.0%), more than "
                + "--max-failure-share 0.1; first error: [io] judge failed after 1 attempt");
        assertThat(Files.readAllLines(traces)).hasSize(13); // written either way
        String[] allowed = java.util.Arrays.copyOf(base, base.length + 2);
        allowed[base.length] = "--max-failure-share";
        allowed[base.length + 1] = "1";
        assertThat(ScoreCommandTest.run(allowed).code()).isZero();
        allowed[base.length + 1] = "1.5";
        ScoreCommandTest.Result bad = ScoreCommandTest.run(allowed);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("--max-failure-share: 1.5 is out of range; expected a value in [0, 1]");
    }
}
