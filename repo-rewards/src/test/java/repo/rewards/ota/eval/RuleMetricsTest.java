package repo.rewards.ota.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Precision, recall, F1, confusion and false alarms on a hand-counted table of outcomes. */
class RuleMetricsTest {
    static RuleMetrics.Outcome o(String id, boolean real, Set<String> labels, Set<String> predicted) {
        return new RuleMetrics.Outcome(id, real, "c", labels, predicted, "reply " + id);
    }

    // a = rule A, b = rule B
    static final List<RuleMetrics.Outcome> TABLE = List.of(
            o("r1", true, Set.of(), Set.of()),               // real, clean
            o("r2", true, Set.of(), Set.of("a")),            // real false alarm of a
            o("r3", true, Set.of("a"), Set.of("a")),         // real true a
            o("r4", true, Set.of(), Set.of()),               // real, clean
            o("w1", false, Set.of("a"), Set.of("a")),        // written hit
            o("w2", false, Set.of("a"), Set.of("b")),        // written miss of a, b fired instead
            o("w3", false, Set.of("a", "b"), Set.of("a", "b")),
            o("w4", false, Set.of(), Set.of("b")),           // near-miss: b fired on a clean written item
            o("w5", false, Set.of("b"), Set.of()));          // miss of b

    @Test
    void countsByHand() {
        Map<String, RuleMetrics.PerRule> m = RuleMetrics.perRule(List.of("a", "b"), TABLE);
        RuleMetrics.PerRule a = m.get("a");
        assertThat(List.of(a.tpReal(), a.fpReal(), a.fnReal(), a.tpWritten(), a.fpWritten(), a.fnWritten()))
                .containsExactly(1, 1, 0, 2, 0, 1);
        assertThat(a.precisionReal()).isEqualTo(0.5);
        assertThat(a.recallWritten()).isCloseTo(2.0 / 3, within(1e-12));
        // all items: tp 3, fp 1, fn 1 -> p = 0.75, r = 0.75, F1 = 0.75
        assertThat(a.f1()).isCloseTo(0.75, within(1e-12));
        assertThat(a.firedInstead()).containsExactly(Map.entry("b", 1));
        RuleMetrics.PerRule b = m.get("b");
        assertThat(b.precisionReal()).isNaN(); // never fired on real text
        assertThat(b.recallWritten()).isCloseTo(1.0 / 2, within(1e-12));
        // all: tp 1 (w3), fp 2 (w2, w4), fn 1 (w5): p = 1/3, r = 1/2, F1 = 2 * (1/6) / (5/6) = 0.4
        assertThat(b.f1()).isCloseTo(0.4, within(1e-12));
        assertThat(b.firedOn()).containsExactly(Map.entry("a", 1));
    }

    @Test
    void falseAlarmsCountRealItemsOnce() {
        assertThat(RuleMetrics.falseAlarms(TABLE)).containsExactly(1, 4);
    }

    @Test
    void worstMissesPutRealFalseAlarmsFirst() {
        List<RuleMetrics.Miss> misses = RuleMetrics.misses(List.of("a", "b"), TABLE);
        assertThat(misses).extracting(mi -> mi.outcome().id() + ":" + mi.rule() + ":" + mi.falseAlarm())
                .containsExactly("r2:a:true", "w2:a:false", "w5:b:false", "w2:b:true", "w4:b:true");
    }
}
