package repo.trainer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.QwenTokenizer;
import repo.trainer.TestFixtures;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainableModel;
import repo.trainer.loop.TrainingLoop;
import repo.trainer.sft.SftTrainer;

/**
 * Soak: 2,000 decode steps and 300 training steps on the tiny model. The number of live arrays under the model's
 * manager returns to where it was, and heap and resident memory after GC stay flat between an early and the final
 * measurement.
 */
@Tag("long")
@Timeout(900)
class SoakTest {
    @TempDir Path tmp;

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    static long[] settle() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return new long[] {rss(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()};
    }

    static void assertFlat(String what, long[] early, long[] late) {
        System.out.printf("soak %s: RSS %d -> %d MiB, heap %d -> %d MiB%n", what, early[0] >> 20, late[0] >> 20, early[1] >> 20, late[1] >> 20);
        assertThat(late[0] - early[0]).as(what + ": RSS growth after GC").isLessThan(Math.max(96L << 20, early[0] / 8));
        assertThat(late[1] - early[1]).as(what + ": heap growth after GC").isLessThan(48L << 20);
    }

    @Test
    void twoThousandDecodeStepsKeepArraysAndMemoryFlat() throws Exception {
        Path dir = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), 3, 0.02, false, SafetensorsWriter.Storage.F32);
        try (Qwen3Model model = Qwen3Model.load(dir, ModelOptions.cpu()); QwenTokenizer tok = QwenTokenizer.fromDirectory(dir)) {
            Generator g = new Generator(model.base(), tok);
            long[] prompt = tok.encode("您好，今晚大床房多少钱？");
            int live0 = model.manager().getManagedArrays().size();
            int steps = 0;
            long[] early = null;
            for (int round = 0; steps < 2000; round++) {
                SamplingParams p = new SamplingParams(100, false, 1f, 1f, 0, round, Set.of(), List.of());
                Generation gen = g.generate(List.of(prompt), p).get(0);
                steps += gen.ids().length;
                if (early == null && steps >= 300) {
                    early = settle();
                }
            }
            assertThat(steps).isGreaterThanOrEqualTo(2000);
            assertThat(model.manager().getManagedArrays().size()).as("live arrays after %d decode steps", steps).isEqualTo(live0);
            assertFlat("decode (" + steps + " steps)", early, settle());
        }
    }

    @Test
    void threeHundredTrainingStepsKeepArraysAndMemoryFlat() throws Exception {
        Path model = TestFixtures.tinyModel(tmp.resolve("tiny"), 5);
        Path data = TestFixtures.sftDialogues(tmp.resolve("sft.jsonl"), 2);
        TrainConfig c = TrainConfig.parse("algorithm: sft\nmodel: " + model + "\noutput: " + tmp.resolve("run") + "\nseed: 1\n"
                + "data: {train: " + data + "}\nlora: {r: 4, alpha: 8, dropout: 0.1}\noptim: {lr: 0.001}\n"
                + "train: {batch_size: 2, max_steps: 300, save_every: 100, progress: false}\n", "soak.yaml");
        try (TrainableModel tm = TrainableModel.open(c, "sft")) {
            int live0 = tm.model().manager().getManagedArrays().size();
            TrainingLoop.Result first = SftTrainer.train(c, tm, false, 60);
            assertThat(first.steps()).isEqualTo(60);
            int live60 = tm.model().manager().getManagedArrays().size();
            long[] early = settle();
            TrainingLoop.Result r = SftTrainer.train(c, tm, true, Integer.MAX_VALUE);
            assertThat(r.steps()).isEqualTo(300);
            assertThat(Double.isFinite(r.last().loss())).isTrue();
            int live300 = tm.model().manager().getManagedArrays().size();
            System.out.printf("soak training: live arrays %d at start, %d after 60 steps, %d after 300%n", live0, live60, live300);
            assertThat(live300).as("live arrays after 300 steps").isEqualTo(live60);
            assertFlat("training (300 steps)", early, settle());
        }
    }
}
