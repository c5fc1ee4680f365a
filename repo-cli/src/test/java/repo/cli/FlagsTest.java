package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag has help text and every numeric flag a range; out-of-range numbers and unknown devices are usage
 * errors (exit 2) naming the flag, before any model loads; the help texts match the golden files in
 * src/test/resources/help (regenerate with -Drepo.help.update=true after a deliberate change).
 */
class FlagsTest {
    static final Path GOLDEN = Path.of("src/test/resources/help");

    @Test
    void everyFlagHasHelpTextAndEveryNumericFlagARange() {
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                assertThat(String.join(" ", o.description())).as(e.getKey() + " " + o.longestName()).isNotBlank();
                if (Flags.numeric(o)) {
                    assertThat(Flags.RANGES).as(e.getKey() + " " + o.longestName()).containsKey(o.longestName());
                }
            }
        }
    }

    @Test
    void outOfRangeNumbersAreUsageErrorsNamingTheFlag() {
        CliTest.Result r = CliTest.run("generate", "--model", "no-such-model", "--prompt", "hi", "--max-new-tokens", "-5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--max-new-tokens: -5 is out of range; expected a value in [1, 1048576]");
        r = CliTest.run("bench", "--reps", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--reps: 0 is out of range; expected a value in [1, 1000]");
        r = CliTest.run("bench", "--prompt-tokens", "-5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--prompt-tokens: -5 is out of range; expected a value in [1, 1048576]");
        r = CliTest.run("generate", "--model", "m", "--prompt", "hi", "--top-p", "1.5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--top-p: 1.5 is out of range; expected a value in [1.0E-6, 1]");
    }

    @Test
    void devicesAreCheckedAndRmFlagsNeedTheRm() throws IOException {
        CliTest.Result r = CliTest.run("score", "--input", "x.jsonl", "--device", "tpu");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--device: 'tpu' is not a device; expected cpu, gpu or gpu:N");
        r = CliTest.run("score", "--input", "x.jsonl", "--rm-model", "m", "--rm-head", "h");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("--rm-model/--rm-adapter/--rm-head: the reward model is off in <defaults>; expected no RM "
                + "flags, or a --config pipeline with sources.rm: true");
    }

    @Test
    void helpTextsMatchTheGoldenFiles() throws IOException {
        boolean update = Boolean.getBoolean("repo.help.update");
        for (Map.Entry<String, CommandLine> e : Main.commandLine().getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String help = e.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
            Path file = GOLDEN.resolve(e.getKey() + ".txt");
            if (update) {
                Files.createDirectories(GOLDEN);
                Files.writeString(file, help, StandardCharsets.UTF_8);
            }
            assertThat(file).as("golden help of " + e.getKey()).exists();
            assertThat(help).as(e.getKey()).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        }
    }
}
