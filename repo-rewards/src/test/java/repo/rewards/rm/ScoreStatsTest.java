package repo.rewards.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.api.RewardModel;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.RunningWhitening;

/** RM score statistics, centring with them, and a running whitening warm-started from them (hand-worked values). */
class ScoreStatsTest {
    @TempDir Path tmp;

    @Test
    void statisticsAndCentring() {
        // scores [1,2,3,6]: mean 3, population variance (4+1+0+9)/4 = 3.5, std 1.8708287
        ScoreStats s = ScoreStats.of(new double[] {1, 2, 3, 6});
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(s.std()).isCloseTo(1.8708287, within(1e-7));
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.apply(5, ScoreStats.Centring.NONE)).isEqualTo(5.0);
        assertThat(s.apply(5, ScoreStats.Centring.MEAN)).isEqualTo(2.0);
        assertThat(s.apply(5, ScoreStats.Centring.STANDARDIZE)).isCloseTo(1.0690450, within(1e-7));
        assertThat(new ScoreStats(3, 0, 2).apply(5, ScoreStats.Centring.STANDARDIZE)).isEqualTo(2.0);
        assertThatThrownBy(() -> ScoreStats.of(new double[0])).hasMessageContaining("at least one");
    }

    @Test
    void centringWrapsAnyRewardModelAndKeepsFailures() {
        RewardModel raw = items -> List.of(SourceResult.ok("rm", 5, List.of(), 3), SourceResult.failure("rm", "oom", 1));
        List<SourceResult> out = new ScoreStats(3, 2, 10).centring(raw, ScoreStats.Centring.MEAN).score(List.of());
        assertThat(out.get(0).value()).isEqualTo(2.0);
        assertThat(out.get(0).latencyMillis()).isEqualTo(3);
        assertThat(out.get(1).failed()).isTrue();
        assertThat(out.get(1).error()).isEqualTo("oom");
    }

    @Test
    void writtenBesideTheHeadAndReadBack() throws IOException {
        Path head = tmp.resolve("score_head.safetensors");
        assertThat(ScoreStats.besideHead(head)).isEmpty();
        new ScoreStats(-0.25, 1.5, 40).write(tmp);
        assertThat(ScoreStats.besideHead(head)).contains(new ScoreStats(-0.25, 1.5, 40));
        Files.writeString(tmp.resolve(ScoreStats.FILE), "{\"mean\": 1, \"count\": 3}");
        assertThatThrownBy(() -> ScoreStats.besideHead(head)).hasMessageContaining(ScoreStats.FILE).hasMessageContaining("\"std\"");
    }

    @Test
    void warmStartedWhiteningDoesNotZeroTheFirstItem() {
        // cold: the first item is x − mean = 0
        assertThat(new RunningWhitening().updateAndWhiten(5)).isEqualTo(0.0);
        // prior mean 1, std 2, 100 values (m2 = 400); add 5: n 101, mean 1 + 4/101 = 1.0396040,
        // m2 = 400 + 4·(5 − 1.0396040) = 415.8415842, std = sqrt(m2/101) = 2.0290992 -> (5 − 1.0396040)/2.0290992 = 1.9518001
        RunningWhitening w = RunningWhitening.warmStarted(1, 2, 100);
        assertThat(w.whiten(5)).isCloseTo(2.0, within(1e-12));
        assertThat(w.updateAndWhiten(5)).isCloseTo(1.9518001, within(1e-7));
        assertThat(w.count()).isEqualTo(101);
        assertThatThrownBy(() -> RunningWhitening.warmStarted(0, -1, 3)).hasMessageContaining("std >= 0");
    }
}
