package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} never destroys what it points at: a symbolic link, a FIFO (standing in for a device such as
 * /dev/null) or a path under a regular file is refused in one line with exit 1, before any model is loaded, and is
 * left exactly as it was.
 */
@Timeout(60)
class OutputSafetyTest {
    static final Path SAMPLES = Path.of("..", "data", "samples", "replies.jsonl");
    static final Path TINY = Path.of("..", "src-test-fixtures", "checkpoints", "tiny-untied-gqa4");
    static final Path LORA = Path.of("..", "src-test-fixtures", "checkpoints", "tiny-untied-gqa4-lora");
    @TempDir Path tmp;

    static Path fifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
        return p;
    }

    static void assertRefused(ScoreCommandTest.Result r, Path out, String why) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(out.toString()).contains(why);
        assertThat(r.out()).doesNotContain("traces:");
    }

    @Test
    void scoreRefusesALinkAFifoAndAFileAsFolder() throws Exception {
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("traces.jsonl"), precious);
        assertRefused(ScoreCommandTest.run("score", "--input", SAMPLES.toString(), "--out", link.toString()), link,
                "is a symbolic link; refusing to replace it");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(precious)).isEqualTo("keep");

        Path pipe = fifo(tmp.resolve("null"));
        assertRefused(ScoreCommandTest.run("score", "--input", SAMPLES.toString(), "--out", pipe.toString()), pipe,
                "is a device, FIFO or socket");
        assertThat(Files.isRegularFile(pipe, LinkOption.NOFOLLOW_LINKS)).isFalse();

        Path under = precious.resolve("traces.jsonl");
        assertRefused(ScoreCommandTest.run("score", "--input", SAMPLES.toString(), "--out", under.toString()), precious,
                "is a regular file, not a folder");
        assertThat(Files.readString(precious)).isEqualTo("keep");
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).isEqualTo(3); // no temporary file left anywhere
        }
    }

    @Test
    void mergeAndChatFormatRefuseLinksBeforeLoading() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("merged"), real);
        ScoreCommandTest.Result r = ScoreCommandTest.run("merge-adapter", "--model", TINY.toString(), "--adapter",
                LORA.toString(), "--out", link.toString());
        assertRefused(r, link, "is a symbolic link");
        try (var s = Files.list(real)) {
            assertThat(s.count()).isZero();
        }
        Path msgs = Files.writeString(tmp.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"hi\"}]");
        Path pipe = fifo(tmp.resolve("pipe"));
        assertRefused(ScoreCommandTest.run("chat-format", "--messages", msgs.toString(), "--out", pipe.toString()), pipe,
                "FIFO");
    }
}
