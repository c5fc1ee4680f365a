package repo.trainer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.core.text.Message;
import repo.core.text.TokenMap;
import repo.rewards.ota.OtaTask;
import repo.trainer.common.MetricsLog;

/**
 * SIGKILL at random moments, at scale: SFT, RM, DPO, PPO and REPO runs, each in a child JVM, are killed five times
 * (once while a step checkpoint is being written, three times after a random delay, once while {@code final/} is
 * being written) and resumed each time. The finished run's {@code final/} must be byte-identical to an uninterrupted
 * run's, the metrics must hold every step once with finite losses, no temporary folder may be left, and the last
 * resume must report a real loss.
 */
@Tag("long")
@Timeout(2400)
class KillResumeChainTest {
    @TempDir static Path tmp;
    static Path model, sft, prefs, prompts, pipeline;
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    enum Moment { CHECKPOINT, RANDOM, FINAL }

    @BeforeAll
    static void setUp() throws IOException {
        model = tmp.resolve("tiny");
        sft = Files.write(tmp.resolve("sft.jsonl"), List.of(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"豪华大床房多少钱？\"}, {\"role\": \"assistant\", \"content\": \"每晚680元。\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Is breakfast included?\"}, {\"role\": \"assistant\", \"content\": \"Yes, for two.\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"周末有优惠吗？\"}, {\"role\": \"assistant\", \"content\": \"周末450元。\"}]}"));
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pairs.add("{\"prompt\": [{\"role\": \"user\", \"content\": \"价格能低一点吗？" + i + "\"}], \"chosen\": \"可以，每晚"
                    + (500 + i) + "元。\", \"rejected\": \"不行。\"}");
        }
        prefs = Files.write(tmp.resolve("prefs.jsonl"), pairs);
        String task = "{\"hotel\": {\"name\": \"成都春熙路大酒店\", \"star_level\": 4, \"city\": \"成都\"}, \"tickets\": [{\"room_type\": "
                + "\"豪华大床房\", \"dates\": \"2026-12-01..2026-12-03\", \"sale_price\": 980, \"net_price\": 860, \"target_price\": 800, "
                + "\"floor_price\": 760}], \"competitors\": []}";
        prompts = Files.write(tmp.resolve("prompts.jsonl"), List.of(
                "{\"id\": \"p1\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"您好？\"}]}",
                "{\"id\": \"p2\", \"task\": " + task + ", \"history\": [{\"role\": \"hotel\", \"content\": \"请问有什么事？\"}]}"));
        pipeline = Files.writeString(tmp.resolve("pipeline.yaml"), "sources: {rm: false, judge: false, rules: true}\n");
        // a task vocabulary of these files and of the agent prompt the RL runs render from the prompts (the 151,936-row
        // LM head would dominate every step of every child run, and text outside the vocabulary is spelled in bytes)
        ObjectMapper json = new ObjectMapper();
        List<String> rendered = new ArrayList<>();
        for (String line : Files.readAllLines(prompts)) {
            for (Message m : OtaTask.RENDERER.messages((ObjectNode) json.readTree(line))) {
                rendered.add(json.writeValueAsString(Map.of("text", m.content())));
            }
        }
        Path agentText = Files.write(tmp.resolve("agent-prompts.jsonl"), rendered);
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 5, 0.3, false, SafetensorsWriter.Storage.F32,
                TokenMap.ofJsonl(List.of(sft, prefs, prompts, agentText)));
    }

    static Path config(String algorithm, Path out) throws IOException {
        String data = switch (algorithm) {
            case "sft" -> "data: {train: " + sft + "}\n";
            case "rm", "dpo" -> "data: {train: " + prefs + "}\n";
            default -> "data: {train: " + prompts + "}\nrollout: {max_new_tokens: 3, prompts_per_step: 4, top_k: 8}\n"
                    + "rewards: {pipeline: " + pipeline + ", traces: false}\nppo: {epochs: 2, minibatch_size: 2}\n";
        };
        String yaml = "algorithm: " + algorithm + "\nmodel: " + model + "\noutput: " + out + "\nseed: 11\n" + data
                + "lora: {r: 4, alpha: 8, dropout: 0.1}\noptim: {lr: 0.01, warmup_steps: 2}\n"
                + "train: {batch_size: 2, max_steps: 4, save_every: 1, keep_last: 2, progress: false}\n";
        return Files.writeString(tmp.resolve(out.getFileName() + ".yaml"), yaml);
    }

    static Process start(Path yaml, Path log) throws IOException {
        return new ProcessBuilder(JAVA, "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                TrainChildMain.class.getName(), yaml.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static String runToEnd(Path yaml, Path log) throws Exception {
        Process p = start(yaml, log);
        assertThat(p.waitFor(900, TimeUnit.SECONDS)).as("the run finished within 15 minutes").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static boolean anyTmp(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the child at the moment asked for; false when it finished first. */
    static boolean kill(Process p, Moment m, Path run, long delayMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        if (m == Moment.RANDOM) {
            if (p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } else {
            Path where = m == Moment.CHECKPOINT ? run.resolve("checkpoints") : run;
            String prefix = m == Moment.CHECKPOINT ? ".tmp-step-" : ".tmp-final-";
            while (!anyTmp(where, prefix)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    return false;
                }
                Thread.onSpinWait();
            }
        }
        if (!p.isAlive()) {
            return false;
        }
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return true;
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-") || n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void everyTrainerSurvivesSigkillsAndResumesToByteIdenticalWeights() throws Exception {
        Random rnd = new Random(20261130);
        int kills = 0, duringCheckpoint = 0, duringFinal = 0;
        StringBuilder report = new StringBuilder();
        for (String algorithm : List.of("sft", "rm", "dpo", "ppo", "repo")) {
            Path ref = tmp.resolve(algorithm + "-straight"), chain = tmp.resolve(algorithm + "-killed");
            long t0 = System.nanoTime();
            runToEnd(config(algorithm, ref), tmp.resolve(algorithm + "-straight.log"));
            long straightMs = (System.nanoTime() - t0) / 1_000_000;
            Path yaml = config(algorithm, chain), log = tmp.resolve(algorithm + "-killed.log");
            List<Moment> plan = List.of(Moment.CHECKPOINT, Moment.RANDOM, Moment.RANDOM, Moment.RANDOM, Moment.FINAL);
            int killedHere = 0;
            for (Moment m : plan) {
                Process p = start(yaml, log);
                long delay = (long) (straightMs * (0.15 + 0.35 * rnd.nextDouble())); // mostly after startup, before the end
                boolean killed = kill(p, m, chain, delay);
                if (!killed) {
                    p.waitFor(300, TimeUnit.SECONDS);
                    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                    continue;
                }
                killedHere++;
                duringCheckpoint += m == Moment.CHECKPOINT ? 1 : 0;
                duringFinal += m == Moment.FINAL ? 1 : 0;
            }
            kills += killedHere;
            String out = runToEnd(yaml, log); // resume to the end (a finished run re-writes final/ from its last checkpoint)
            String last = out.lines().filter(l -> l.startsWith("DONE")).reduce((a, b) -> b).orElseThrow();
            assertThat(last).as(algorithm).startsWith("DONE steps=4").doesNotContain("NaN");
            assertThat(files(chain.resolve("final"))).as(algorithm + ": final/ after " + killedHere + " kills")
                    .containsExactlyEntriesOf(files(ref.resolve("final")));
            assertThat(leftovers(chain)).as(algorithm).isEmpty();
            List<MetricsLog.Entry> a = MetricsLog.read(ref.resolve("metrics.jsonl")), b = MetricsLog.read(chain.resolve("metrics.jsonl"));
            assertThat(b.stream().map(MetricsLog.Entry::step)).as(algorithm).containsExactly(1, 2, 3, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(b.get(i).loss()).as("%s loss at step %d", algorithm, i + 1).isFinite().isEqualTo(a.get(i).loss());
                assertThat(b.get(i).gradNorm()).as("%s grad norm at step %d", algorithm, i + 1).isEqualTo(a.get(i).gradNorm());
            }
            report.append(algorithm).append(": ").append(killedHere).append(" kills; ");
        }
        System.out.println("kill chain: " + kills + " SIGKILLs survived (" + duringCheckpoint + " during a checkpoint write, "
                + duringFinal + " during the final/ write): " + report);
        assertThat(kills).isGreaterThanOrEqualTo(20);
        assertThat(duringCheckpoint).isGreaterThanOrEqualTo(3);
        assertThat(duringFinal).isGreaterThanOrEqualTo(1);
    }
}
