package repo.rewards.ota.rules;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule's points are a deduction: a positive value (a breach that earns reward) is refused, naming the key. */
class RulePointsTest {
    @TempDir Path tmp;

    @Test
    void positivePointsAreRefused() throws IOException {
        Path f = Files.writeString(tmp.resolve("rules.yaml"), "rules:\n  length: {points: 30}\n");
        assertThatThrownBy(() -> RuleSet.load(f)).hasMessageContaining("length").hasMessageContaining(
                "points: 30.0 is not a deduction; expected a finite number <= 0 (a finding lowers the reward)");
    }

    @Test
    void duplicateKeysInRuleFilesAreErrors() throws IOException {
        Path f = Files.writeString(tmp.resolve("dup.yaml"), "rules:\n  length: {points: -5}\n  length: {points: -6}\n");
        assertThatThrownBy(() -> RuleSet.load(f)).hasMessage(f + ": line 3: duplicate key \"length\"; expected each key once per mapping");
    }
}
