package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo rewards-eval} on a five-item set whose answers are known. */
class RewardsEvalCommandTest {
    static final String TASK = "{\"hotel\":{\"name\":\"蓉城悦景酒店\",\"star_level\":4,\"city\":\"成都\"},\"tickets\":[{\"room_type\":\"豪华大床房\",\"sale_price\":1200,"
            + "\"net_price\":1000,\"target_price\":880,\"floor_price\":850}]}";
    @TempDir Path tmp;

    static String line(String id, String reply, String labels, String origin) {
        return "{\"id\":\"" + id + "\",\"task\":" + TASK + ",\"history\":[],\"reply\":\"" + reply + "\",\"labels\":" + labels
                + ",\"origin\":\"" + origin + "\",\"lang\":\"zh-Hans\",\"category\":\"other\"}";
    }

    Path set(String... lines) throws Exception {
        Path p = tmp.resolve("set.jsonl");
        Files.write(p, List.of(lines));
        return p;
    }

    @Test
    void printsPerRuleNumbersForAKnownSet() throws Exception {
        Path p = set(
                line("good", "王经理，您看豪华大床房到手价能否调到880元？", "[]", "real"),
                line("short-real", "OK", "[]", "real"),                                   // length fires: a false alarm
                line("fmt", "## 调价建议\\n王经理，豪华大床房到手价880元可以吗？", "[\"format\"]", "written"),
                line("cot", "<think>先示好</think>王经理，豪华大床房到手价880元可以吗？", "[\"cot-leak\"]", "written"),
                line("mislabelled", "王经理，您看豪华大床房到手价能否调到880元？", "[\"internal-term-leak\"]", "written"));
        ScoreCommandTest.Result r = ScoreCommandTest.run("rewards-eval", "--set", p.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("items: 5 (real text 2, written 3)");
        assertThat(r.out()).containsPattern("length\\s+low\\s+\\|\\s+1\\s+1\\s+0\\.000\\s+\\|\\s+0\\s+0\\s+-");
        assertThat(r.out()).containsPattern("format\\s+low\\s+\\|\\s+0\\s+0\\s+-\\s+\\|\\s+1\\s+1\\s+1\\.000");
        assertThat(r.out()).containsPattern("cot-leak\\s+high\\s+\\|\\s+0\\s+0\\s+-\\s+\\|\\s+1\\s+1\\s+1\\.000");
        assertThat(r.out()).containsPattern("internal-term-leak\\s+\\S+\\s+\\|\\s+0\\s+0\\s+-\\s+\\|\\s+1\\s+0\\s+0\\.000");
        assertThat(r.out()).contains("false alarms: 1 of 2 real replies (50.0%; target <= 2.0%)",
                "internal-term-leak: recall on written violations 0.000 < 0.85");
        assertThat(r.out()).containsPattern("false alarm\\s+length\\s+short-real");
        assertThat(r.out()).containsPattern("missed\\s+internal-term-leak\\s+mislabelled");
        assertThat(ScoreCommandTest.run("rewards-eval", "--set", p.toString(), "--strict").code()).isEqualTo(3);
    }

    @Test
    void badLabelNamesFileLineAndKnownIds() throws Exception {
        Path p = set(line("a", "好的，880元可以。", "[]", "real"), line("b", "好的", "[\"over-promis\"]", "written"));
        ScoreCommandTest.Result r = ScoreCommandTest.run("rewards-eval", "--set", p.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("set.jsonl:2: labels: unknown rule id \"over-promis\"; known rule ids: internal-term-leak");
    }

    @Test
    void badOriginIsNamed() throws Exception {
        Path p = set(line("a", "好的，880元可以。", "[]", "made-up"));
        ScoreCommandTest.Result r = ScoreCommandTest.run("rewards-eval", "--set", p.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("set.jsonl:1: origin: got \"made-up\"; expected \"real\", \"real-db\" or \"written\"");
    }

    @Test
    void theCommittedSetLoads() {
        ScoreCommandTest.Result r = ScoreCommandTest.run("rewards-eval", "--set",
                Path.of("..", "data", "rewards-eval", "eval.jsonl").toString(), "--worst", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("items: 447 (real text 225, written 222)");
    }

    @Test
    void theHeldOutSetLoads() {
        ScoreCommandTest.Result r = ScoreCommandTest.run("rewards-eval", "--set",
                Path.of("..", "data", "rewards-eval", "heldout.jsonl").toString(), "--worst", "0", "--no-judge");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("items: 257 (real text 100, written 157)", "false alarms: ");
    }
}
