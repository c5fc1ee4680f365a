package repo.trainer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.common.RunFolder;
import repo.trainer.common.TrainerState;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainableModel;
import repo.trainer.sft.SftTrainer;

/**
 * Torch splits a large reduction (the log-softmax over the 151,936-token vocabulary, a gradient norm) into one part
 * per intra-op thread, so the same step on 1 and on 2 threads rounds differently. A run resumed by a process that
 * starts with another thread count (another machine, a container with another CPU limit) would drift from the
 * uninterrupted run; the checkpoint records the count and the resumed run uses it. Full-parameter training makes the
 * gradient norm a sum over the 9.7 million gradients of the embedding, large enough to be split across threads.
 */
class ThreadCountResumeTest {
    @TempDir Path tmp;
    final int original = originalThreads();

    static int originalThreads() {
        Engine.getInstance(); // loads the native library JniUtils calls into
        return JniUtils.getNumThreads();
    }

    @AfterEach
    void restoreThreads() {
        JniUtils.setNumThreads(original);
    }

    TrainConfig config(Path model, Path data, String out) throws Exception {
        return TrainConfig.parse("algorithm: sft\nmodel: " + model + "\noutput: " + tmp.resolve(out) + "\nseed: 3\n"
                + "data: {train: " + data + "}\nfull_parameter: true\noptim: {lr: 0.001}\n"
                + "train: {batch_size: 2, max_steps: 4, save_every: 2, keep_last: 1, progress: false}\n", out + ".yaml");
    }

    List<MetricsLog.Entry> run(TrainConfig c, int threads, boolean resume, int stopAfter) throws Exception {
        JniUtils.setNumThreads(threads);
        try (TrainableModel tm = TrainableModel.open(c, "sft")) {
            SftTrainer.train(c, tm, resume, stopAfter);
        }
        return MetricsLog.read(c.output().resolve(RunFolder.METRICS));
    }

    @Test
    void aResumedRunUsesTheCheckpointsThreadCountAndMatchesTheUninterruptedRun() throws Exception {
        Path model = TestFixtures.tinyModel(tmp.resolve("tiny"), 4);
        Path data = Files.write(tmp.resolve("sft.jsonl"), List.of(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"豪华大床房多少钱？\"}, {\"role\": \"assistant\", \"content\": \"每晚680元，含双早。\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Is breakfast included?\"}, {\"role\": \"assistant\", \"content\": \"Yes, for two guests.\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"周末有优惠吗？\"}, {\"role\": \"assistant\", \"content\": \"周末每晚450元。\"}]}"));

        List<MetricsLog.Entry> two = run(config(model, data, "two-threads"), 2, false, Integer.MAX_VALUE);
        List<MetricsLog.Entry> one = run(config(model, data, "one-thread"), 1, false, Integer.MAX_VALUE);
        // the premise: the thread count changes the bits of a step (else this test could not fail)
        assertThat(one.stream().map(MetricsLog.Entry::gradNorm).toList()).as("grad norms on 1 thread vs 2")
                .isNotEqualTo(two.stream().map(MetricsLog.Entry::gradNorm).toList());

        TrainConfig chain = config(model, data, "chain");
        run(chain, 2, false, 2);
        assertThat(TrainerState.read(chain.output().resolve("checkpoints/step-000002")).torchThreads()).isEqualTo(2);
        List<MetricsLog.Entry> resumed = run(chain, 1, true, Integer.MAX_VALUE); // a process that starts on 1 thread
        assertThat(JniUtils.getNumThreads()).as("threads after the resume").isEqualTo(2);
        assertThat(resumed).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(resumed.get(i).loss()).as("loss at step %d", i + 1).isEqualTo(two.get(i).loss());
            assertThat(resumed.get(i).gradNorm()).as("grad norm at step %d", i + 1).isEqualTo(two.get(i).gradNorm());
        }
    }
}
