package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.common.MetricsLog.Entry;

class MetricsLogTest {

    @TempDir
    Path dir;

    @Test
    void writesOneFlushedJsonObjectPerLine() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        Map<String, Double> dpo = new LinkedHashMap<>();
        dpo.put("reward_margin", 0.25);
        dpo.put("accuracy", 0.75);
        try (MetricsLog log = MetricsLog.create(file)) {
            log.append(new Entry(1, 0.5, 1e-4, 2.0, 1500.0, dpo));
            // visible before close: each line is flushed
            assertThat(Files.readAllLines(file)).containsExactly(
                    "{\"step\":1,\"loss\":0.5,\"lr\":1.0E-4,\"grad_norm\":2.0,\"tokens_per_s\":1500.0,"
                            + "\"reward_margin\":0.25,\"accuracy\":0.75}");
            log.append(new Entry(2, Double.NaN, 1e-4, Double.POSITIVE_INFINITY, 10.0));
        }
        assertThat(Files.readAllLines(file).get(1))
                .isEqualTo("{\"step\":2,\"loss\":null,\"lr\":1.0E-4,\"grad_norm\":null,\"tokens_per_s\":10.0}");

        List<Entry> read = MetricsLog.read(file);
        assertThat(read.get(0)).isEqualTo(new Entry(1, 0.5, 1e-4, 2.0, 1500.0, dpo));
        assertThat(read.get(1).loss()).isNaN();
        assertThat(read.get(1).gradNorm()).isNaN();
    }

    @Test
    void resumeCutsEveryLineAfterTheResumedStepIncludingATornOne() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            for (int step = 1; step <= 6; step++) {
                log.append(new Entry(step, step, 1e-3, 1, 100));
            }
        }
        Files.writeString(file, "{\"step\":7,\"loss\":0.", java.nio.file.StandardOpenOption.APPEND); // crash mid-line

        try (MetricsLog log = MetricsLog.resume(file, 4)) {
            assertThat(MetricsLog.read(file)).extracting(Entry::step).containsExactly(1, 2, 3, 4);
            log.append(new Entry(5, 0.05, 1e-3, 1, 100));
        }

        List<Entry> entries = MetricsLog.read(file);
        assertThat(entries).extracting(Entry::step).containsExactly(1, 2, 3, 4, 5);
        assertThat(entries.get(4).loss()).isEqualTo(0.05);
    }

    @Test
    void resumeDropsATornLastLineEvenWhenItsStepWasSaved() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":1}\n{\"step\":2,\"loss\":1}\n{\"step\":3,\"lo",
                StandardCharsets.UTF_8);

        MetricsLog.resume(file, 10).close();

        assertThat(Files.readString(file)).isEqualTo("{\"step\":1,\"loss\":1}\n{\"step\":2,\"loss\":1}\n");
    }

    @Test
    void resumeWithoutAFileStartsOne() throws IOException {
        Path file = dir.resolve("new/metrics.jsonl");
        try (MetricsLog log = MetricsLog.resume(file, 3)) {
            log.append(new Entry(4, 1, 1, 1, 1));
        }
        assertThat(MetricsLog.read(file)).extracting(Entry::step).containsExactly(4);
    }

    @Test
    void createEmptiesAnOldFile() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":9}\n");
        MetricsLog.create(file).close();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void rejectsStepsGoingBackAndReservedNames() throws IOException {
        try (MetricsLog log = MetricsLog.create(dir.resolve("m.jsonl"))) {
            log.append(new Entry(3, 1, 1, 1, 1));
            log.append(new Entry(3, 1, 1, 1, 1)); // an eval line at the same step is fine
            assertThatThrownBy(() -> log.append(new Entry(2, 1, 1, 1, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step 2 after step 3");
        }
        assertThatThrownBy(() -> new Entry(1, 1, 1, 1, 1, Map.of("lr", 2.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metric name \"lr\"");
    }

    @Test
    void readNamesTheBadLine() throws IOException {
        Path file = dir.resolve("m.jsonl");
        Files.writeString(file, "{\"step\":1}\n{\"loss\":1}\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(file + ":2: ");
    }
}
