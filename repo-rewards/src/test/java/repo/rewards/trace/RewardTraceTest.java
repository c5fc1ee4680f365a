package repo.rewards.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;
import repo.rewards.combine.Combined;
import repo.rewards.io.ScoredItems;

class RewardTraceTest {
    @TempDir Path tmp;

    static Finding f(String rule, Severity s, double p) {
        return new Finding(rule, s, p, rule + " fired", new Finding.Evidence(0, 2, "工单"));
    }

    static RewardTrace trace(String id, int i, double rm, SourceResult judge, List<Finding> rules, Combined c) {
        return new RewardTrace(id, i, List.of(SourceResult.ok("rm", rm, List.of(), 3), judge,
                SourceResult.ok("rules", rules.stream().mapToDouble(Finding::points).sum(), rules, 0)), c);
    }

    static List<RewardTrace> traces() {
        return List.of(
                trace("a", 0, 2.0, SourceResult.ok("judge", -10, List.of(new Finding("soothe-first", Severity.MEDIUM, -10, "no empathy", null)), 800),
                        List.of(f("internal-term-leak", Severity.HIGH, -50), f("internal-term-leak", Severity.HIGH, -50)),
                        new Combined(0.0, -100.0, 2.0, -10.0, -100.0, false, List.of(), null)),
                trace("b", 1, -1.0, SourceResult.failure("judge", "timeout", 30000), List.of(f("format", Severity.LOW, -15)),
                        new Combined(-1.15, -15.0, -1.0, 0.0, -15.0, false, List.of("judge"), null)),
                trace("c", 2, 0.5, SourceResult.ok("judge", 0, List.of(), 700), List.of(),
                        new Combined(0.5, 0.0, 0.5, 0.0, 0.0, false, List.of(), null)));
    }

    @Test
    void lineFormatAndRoundTrip() throws Exception {
        List<RewardTrace> ts = traces();
        Path out = tmp.resolve("t/traces.jsonl");
        RewardTrace.writeAll(out, ts);
        assertThat(Files.list(out.getParent())).hasSize(1);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        JsonNode b = ScoredItems.JSON.readTree(lines.get(1));
        assertThat(b.get("id").asText()).isEqualTo("b");
        assertThat(b.at("/sources/judge/value").isNull()).isTrue();
        assertThat(b.at("/sources/judge/error").asText()).isEqualTo("timeout");
        assertThat(b.at("/sources/judge/latency_ms").asLong()).isEqualTo(30000);
        assertThat(b.at("/sources/rules/findings/0/rule_id").asText()).isEqualTo("format");
        assertThat(b.at("/sources/rules/findings/0/severity").asText()).isEqualTo("low");
        assertThat(b.at("/sources/rules/findings/0/evidence/text").asText()).isEqualTo("工单");
        assertThat(b.get("r_total").asDouble()).isEqualTo(-1.15);
        assertThat(b.get("e_enh").asDouble()).isEqualTo(-15.0);
        assertThat(b.get("failed_sources").get(0).asText()).isEqualTo("judge");
        assertThat(RewardTrace.read(out)).isEqualTo(ts);
    }

    @Test
    void summaryAggregatesPerRuleAndPerSource() {
        Summary s = Summary.of(traces(), List.of("internal-term-leak", "format", "length"));
        assertThat(s.items()).isEqualTo(3);
        Summary.RuleStats leak = s.rules().get(0);
        assertThat(leak.ruleId()).isEqualTo("internal-term-leak");
        assertThat(leak.itemsHit()).isEqualTo(1);
        assertThat(leak.findings()).isEqualTo(2);
        assertThat(leak.hitRate()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(leak.points()).isEqualTo(-100);
        assertThat(leak.bySeverity()).isEqualTo(Map.of(Severity.LOW, 0, Severity.MEDIUM, 0, Severity.HIGH, 2));
        assertThat(s.rules().get(2).ruleId()).isEqualTo("length");
        assertThat(s.rules().get(2).itemsHit()).isZero();
        assertThat(s.rules().get(3).ruleId()).isEqualTo("judge:soothe-first"); // judge rubric items are counted too, under their source
        Summary.SourceStats judge = s.sources().stream().filter(x -> x.source().equals("judge")).findFirst().orElseThrow();
        assertThat(judge.n()).isEqualTo(2);
        assertThat(judge.failures()).isEqualTo(1);
        assertThat(judge.mean()).isEqualTo(-5);
        assertThat(judge.std()).isEqualTo(5);
        assertThat(judge.min()).isEqualTo(-10);
        assertThat(judge.max()).isEqualTo(0);
        Summary.SourceStats total = s.sources().stream().filter(x -> x.source().equals("r_total")).findFirst().orElseThrow();
        assertThat(total.mean()).isCloseTo((0 - 1.15 + 0.5) / 3, within(1e-12));
        String table = s.render();
        assertThat(table).contains("items: 3, dropped: 0")
                .containsPattern("internal-term-leak\\s+1\\s+33\\.3%\\s+2\\s+-100\\.0\\s+2\\s+0\\s+0")
                .containsPattern("judge\\s+2\\s+1\\s+-5\\.000\\s+5\\.000\\s+-10\\.000\\s+0\\.000");
    }
}
