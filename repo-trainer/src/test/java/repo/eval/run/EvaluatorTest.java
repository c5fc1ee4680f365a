package repo.eval.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.eval.checks.Severity;
import repo.eval.data.DataGenerator;
import repo.eval.data.HotelDb;
import repo.eval.report.EvalJson;
import repo.eval.sets.EvalCase;
import repo.eval.sets.EvalDialogue;

/** The evaluator on scripted agents whose answers are known: the reference replies and the recorded bad replies. */
public class EvaluatorTest {
    static Path dir;
    static List<EvalDialogue> online;
    static List<EvalDialogue> bad;

    @BeforeAll
    static void setUp(@TempDir Path d) throws Exception {
        load(d);
    }

    /** Generates a small data set into {@code d} and reads its two evaluation sets. */
    public static void load(Path d) throws Exception {
        dir = d;
        new DataGenerator(new DataGenerator.Config(4, 10, 10, 5, 6, 9, 5, 0.7, 0.15), HotelDb.bundled()).write(dir);
        online = EvalDialogue.read(dir.resolve(DataGenerator.ONLINE));
        bad = EvalDialogue.read(dir.resolve(DataGenerator.BAD_CASES));
    }

    /** Answers each case with its reference reply (or its recorded bad reply); simulator turns with a fixed line. */
    public static Agent scripted(List<EvalDialogue> sets, boolean badReplies) {
        Map<String, String> answers = new HashMap<>();
        for (EvalDialogue d : sets) {
            for (EvalCase c : d.cases()) {
                String reply = badReplies && c.badReply() != null ? c.badReply() : d.history().get(c.turn()).content();
                answers.put(key(d.task().hotel().name(), d.context(c)), reply);
            }
        }
        return prompts -> prompts.stream().map(p -> answers.getOrDefault(key(p.task().hotel().name(), p.history()), "您好，我是OTA平台的小李。")).toList();
    }

    static String key(String hotel, List<repo.rewards.ota.Turn> h) {
        return hotel + "|" + h.size() + "|" + (h.isEmpty() ? "" : h.get(h.size() - 1).content() + "|" + h.get(0).content());
    }

    public static List<EvalDialogue> all() {
        List<EvalDialogue> all = new ArrayList<>(online);
        all.addAll(bad);
        return all;
    }

    @Test
    void referenceRepliesFixEveryBadCaseCleanly() {
        Results.Checkpoint r = Evaluator.evaluate("gold", scripted(all(), false), all(), new Evaluator.Settings(3, 6, 1), null);
        assertThat(r.fixRate()).isEqualTo(1.0);
        assertThat(r.cleanFixRate()).isEqualTo(1.0);
        assertThat(r.majorIssueRate()).isEqualTo(0.0);
        assertThat(r.severeUnresolvedRate()).isEqualTo(0.0);
        assertThat(r.rating()).isGreaterThan(4.0);
        assertThat(r.excellentShare()).isEqualTo(1.0);
        assertThat(r.taskSuccessRate()).isEqualTo(0.0); // a greeting on repeat agrees nothing
        assertThat(r.simulations()).hasSize(3);
        assertThat(r.cases()).hasSize(all().stream().mapToInt(d -> d.cases().size()).sum());
    }

    @Test
    void recordedBadRepliesFixNothingAndSevereCountsHighSeverityDefects() {
        Results.Checkpoint r = Evaluator.evaluate("bad", scripted(all(), true), all(), new Evaluator.Settings(0, 6, 1), null);
        assertThat(r.fixRate()).isEqualTo(0.0);
        assertThat(r.cleanFixRate()).isEqualTo(0.0);
        long withHigh = bad.stream().filter(d -> d.cases().stream().anyMatch(c -> c.defects().stream().anyMatch(x -> x.severity() == Severity.HIGH))).count();
        assertThat(r.severeUnresolvedRate()).isEqualTo(withHigh / (double) bad.size());
        assertThat(r.taskSuccessRate()).isNaN();
        assertThat(r.cases().stream().filter(c -> "bad_case".equals(c.set())).allMatch(c -> Boolean.FALSE.equals(c.fixed()))).isTrue();
    }

    @Test
    void evalJsonHasExactlyTheDocumentedCheckpointKeysAndADiff() throws Exception {
        Results.Checkpoint gold = Evaluator.evaluate("gold", scripted(all(), false), all(), new Evaluator.Settings(2, 4, 1), null);
        Results.Checkpoint worse = Evaluator.evaluate("bad", scripted(all(), true), all(), new Evaluator.Settings(2, 4, 1), null);
        JsonNode root = new ObjectMapper().readTree(EvalJson.render(List.of(gold, worse), "gold", "bad"));
        for (JsonNode cp : root.get("checkpoints")) {
            List<String> keys = new ArrayList<>();
            cp.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactlyElementsOf(EvalJson.CHECKPOINT_KEYS);
            assertThat(cp.get("skills").has("fluency")).isTrue();
        }
        assertThat(root.at("/diff/a").asText()).isEqualTo("gold");
        long worseCases = 0;
        for (JsonNode c : root.at("/diff/cases")) {
            worseCases += c.get("change").asText().equals("worse") ? 1 : 0;
        }
        assertThat(worseCases).isGreaterThanOrEqualTo(bad.stream().mapToInt(d -> d.cases().size()).sum() / 2);
        assertThat(root.at("/simulations/gold")).hasSize(2);
    }

    @Test
    void evalJobWritesBothFilesThroughAtomicWrites() throws Exception {
        Results.Checkpoint gold = Evaluator.evaluate("gold", scripted(all(), false), all(), new Evaluator.Settings(1, 3, 1), null);
        EvalJob.Options o = new EvalJob.Options(dir, Map.of(), "base", List.of(dir.resolve(DataGenerator.ONLINE)), dir.resolve("out"), "cpu",
                8, 2, new Evaluator.Settings(1, 3, 1), Map.of(), null, null, null, "t");
        EvalJob.write(o, List.of(gold));
        assertThat(Files.readString(dir.resolve("out/eval.json"))).contains("\"clean_fix_rate\"");
        assertThat(Files.readString(dir.resolve("out/report.html"))).startsWith("<!DOCTYPE html>");
    }
}
