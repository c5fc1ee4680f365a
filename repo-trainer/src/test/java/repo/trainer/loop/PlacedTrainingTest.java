package repo.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.TestFixtures;
import repo.trainer.common.MetricsLog;
import repo.trainer.common.RunFolder;
import repo.trainer.config.TrainConfig;
import repo.trainer.sft.SftTrainer;

/**
 * {@code device: cpu,cpu} spreads the layers over two devices (here the CPU twice, so every boundary copy runs) and
 * trains exactly as one device does: same losses, gradient norms and adapter bytes.
 */
class PlacedTrainingTest {
    @TempDir Path tmp;

    @Test
    void aRunPlacedOverTwoDevicesTrainsAsOnOne() throws Exception {
        Path model = TestFixtures.tinyModel(tmp.resolve("tiny"), 6);
        Path data = TestFixtures.sftDialogues(tmp.resolve("sft.jsonl"), 2);
        List<MetricsLog.Entry> one = null;
        byte[] oneAdapter = null;
        for (String device : List.of("cpu", "cpu, cpu")) {
            TrainConfig c = TrainConfig.parse("algorithm: sft\nmodel: " + model + "\noutput: " + tmp.resolve(device.replace(", ", "-"))
                    + "\ndevice: \"" + device + "\"\nseed: 2\ndata: {train: " + data + "}\nlora: {r: 4, alpha: 8, dropout: 0.1}\n"
                    + "optim: {lr: 0.01}\ntrain: {batch_size: 2, max_steps: 3, progress: false}\n", "placed.yaml");
            assertThat(c.modelOptions().devices()).hasSize(device.equals("cpu") ? 1 : 2);
            SftTrainer.train(c, false);
            List<MetricsLog.Entry> m = MetricsLog.read(c.output().resolve(RunFolder.METRICS));
            byte[] adapter = Files.readAllBytes(c.output().resolve("final/adapter/adapter_model.safetensors"));
            if (one == null) {
                one = m;
                oneAdapter = adapter;
                continue;
            }
            assertThat(m).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(m.get(i).loss()).as("loss at step %d", i + 1).isEqualTo(one.get(i).loss());
                assertThat(m.get(i).gradNorm()).as("grad norm at step %d", i + 1).isEqualTo(one.get(i).gradNorm());
            }
            assertThat(adapter).as("final adapter bytes").isEqualTo(oneAdapter);
        }
    }
}
