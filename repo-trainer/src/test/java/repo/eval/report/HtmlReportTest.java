package repo.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.eval.run.Evaluator;
import repo.eval.run.EvaluatorTest;
import repo.eval.run.Results;

/** The report is one self-contained page that real headless Chromium renders with drawn charts and no console output. */
class HtmlReportTest {
    @TempDir
    Path tmp;

    static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    Path report() throws Exception {
        EvaluatorTest.load(tmp.resolve("data"));
        Results.Checkpoint gold = Evaluator.evaluate("gold", EvaluatorTest.scripted(EvaluatorTest.all(), false), EvaluatorTest.all(),
                new Evaluator.Settings(2, 4, 1), items -> items.stream().map(i -> Map.of("rules", -(double) i.reply().length() % 7, "judge", 1.0)).toList());
        Results.Checkpoint bad = Evaluator.evaluate("bad <script>", EvaluatorTest.scripted(EvaluatorTest.all(), true), EvaluatorTest.all(),
                new Evaluator.Settings(2, 4, 1), items -> items.stream().map(i -> Map.of("rules", -30.0, "judge", -5.0)).toList());
        Path run = tmp.resolve("run-repo");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n",
                "{\"step\":1,\"loss\":0.9,\"reward_mean\":0.1,\"source/rm/mean\":0.2,\"source/rules/mean\":-20,\"kl\":0.0,\"entropy\":3.1,\"reply_len\":40,\"violation/format\":0.5}",
                "{\"step\":2,\"loss\":0.7,\"reward_mean\":0.3,\"source/rm/mean\":0.4,\"source/rules/mean\":-10,\"kl\":0.01,\"entropy\":2.9,\"reply_len\":35,\"violation/format\":0.25}",
                "{\"step\":3,\"loss\":null,\"reward_mean\":0.5,\"source/rm/mean\":0.6,\"source/rules/mean\":-5,\"kl\":0.02,\"entropy\":2.7,\"reply_len\":30,\"violation/format\":0.0}") + "\n");
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("repo", run);
        String html = HtmlReport.render("report <test>", List.of(gold, bad), runs, "gold", "bad <script>");
        Path file = tmp.resolve("report.html");
        Files.writeString(file, html);
        return file;
    }

    @Test
    void selfContainedPageWithEscapedTextTablesAndCharts() throws Exception {
        String html = Files.readString(report());
        assertThat(html).doesNotContain("<script").contains("bad &lt;script&gt;").contains("id=\"metrics\"").contains("id=\"worst\"").contains("id=\"diff\"").contains("id=\"sources\"");
        String withoutSvgNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(withoutSvgNamespace).doesNotContain("http:").doesNotContain("https:");
        assertThat(count(html, "<polyline class=\"series\"")).isGreaterThanOrEqualTo(7); // loss, rm, rules, reward, kl, entropy, length, violation
        assertThat(count(html, "<rect class=\"series\"")).isGreaterThanOrEqualTo(8);
    }

    @Test
    void chromiumRendersTheReportWithoutConsoleErrorsAndDrawsTheCharts() throws Exception {
        Path file = report();
        Chromium.Page page = Chromium.load(file, tmp.resolve("profile"));
        assertThat(page.consoleErrors()).as(page.stderr()).isFalse();
        assertThat(page.dom()).contains("<table id=\"metrics\"");
        assertThat(count(page.dom(), "<svg class=\"chart\"")).isGreaterThanOrEqualTo(5);
        assertThat(count(page.dom(), "<polyline class=\"series\"")).isGreaterThanOrEqualTo(7);
        assertThat(count(page.dom(), "<rect class=\"series\"")).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theChromiumHarnessDoesSeeConsoleErrors() throws Exception {
        Path broken = tmp.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><p>x</p><script>notDefinedAnywhere();</script></body></html>");
        Chromium.Page page = Chromium.load(broken, tmp.resolve("profile2"));
        assertThat(page.consoleErrors()).as(page.stderr()).isTrue();
    }
}
