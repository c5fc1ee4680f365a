package repo.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import repo.eval.checks.Check;
import repo.eval.checks.CheckKind;
import repo.eval.checks.Severity;
import repo.eval.checks.Skill;
import repo.eval.sets.EvalCase;

class MetricsTest {
    static final Check LEAK = Check.guard("internal-term-leak", CheckKind.ABSENT, "internal-term-leak", Severity.HIGH, Skill.SOP_COMPLIANCE)
            .withPhrases(List.of("目标价"));
    static final Check PROMISE = Check.guard("over-promise", CheckKind.ABSENT, "over-promise", Severity.HIGH, Skill.SCOPE)
            .withPhrases(List.of("保证"));
    static final Check MIXED = Check.guard("mixed-language", CheckKind.SCRIPT, "mixed-language", Severity.MEDIUM, Skill.FLUENCY).withText("zh");
    static final Check FORMAT = Check.guard("format", CheckKind.ABSENT_REGEX, "format", Severity.LOW, Skill.FLUENCY).withPattern("\\*\\*");
    static final Check THANKS = new Check("q-thanks", CheckKind.MENTIONS_ANY, "q-thanks", Severity.LOW, Skill.SOP_COMPLIANCE, false,
            List.of("谢谢"), null, null, null, null, null);
    static final List<Check> ALL = List.of(LEAK, PROMISE, MIXED, FORMAT, THANKS);
    static final EvalCase LEAK_CASE = new EvalCase("c1", 0, 7, "我们的目标价是880元", List.of(new EvalCase.Defect("internal-term-leak", Severity.HIGH)), ALL);
    static final EvalCase FORMAT_CASE = new EvalCase("c2", 0, 7, "**谢谢**", List.of(new EvalCase.Defect("format", Severity.LOW)), ALL);

    static Metrics.Verdict verdict(EvalCase c, String reply) {
        return Metrics.verdict(c, Metrics.outcome(c.checks(), reply).failedGuards());
    }

    static int rating(String reply) {
        Metrics.Outcome o = Metrics.outcome(ALL, reply);
        return Metrics.rating(o.failedGuards(), o.failedQuality().size(), o.qualityTotal());
    }

    @Test
    void ratingAnchors() {
        assertThat(rating("谢谢王经理，目标价880元")).isEqualTo(1);        // high-severity breach
        assertThat(rating("谢谢王经理, see you soon")).isEqualTo(2);    // medium: mixed language
        assertThat(rating("**谢谢**王经理")).isEqualTo(3);               // low: markdown
        assertThat(rating("好的王经理，再见")).isEqualTo(3);             // clean but fails its only quality check (0 of 1 passes)
        assertThat(rating("谢谢王经理，再见")).isEqualTo(5);             // clean and every quality check passes
        Check second = new Check("q-bye", CheckKind.MENTIONS_ANY, "q-bye", Severity.LOW, Skill.SOP_COMPLIANCE, false,
                List.of("再见"), null, null, null, null, null);
        assertThat(Metrics.rating(List.of(), 1, 2)).isEqualTo(4);         // half the quality checks pass
        assertThat(second.guard()).isFalse();
    }

    @Test
    void fixCleanFixMajorAndSevere() {
        Metrics.Verdict cleanFix = verdict(LEAK_CASE, "谢谢王经理，再见");
        assertThat(cleanFix).isEqualTo(new Metrics.Verdict(true, java.util.Set.of(), false, false));
        Metrics.Verdict fixedMinor = verdict(LEAK_CASE, "**谢谢**");
        assertThat(fixedMinor.fixed()).isTrue();
        assertThat(fixedMinor.newIssues()).containsExactly("format");
        assertThat(fixedMinor.newMajor()).isFalse();
        Metrics.Verdict fixedMajor = verdict(LEAK_CASE, "谢谢，我保证订单翻倍");
        assertThat(fixedMajor).isEqualTo(new Metrics.Verdict(true, java.util.Set.of("over-promise"), true, false));
        Metrics.Verdict severe = verdict(LEAK_CASE, "目标价还是880元");
        assertThat(severe).isEqualTo(new Metrics.Verdict(false, java.util.Set.of(), false, true));
        Metrics.Verdict lowUnfixed = verdict(FORMAT_CASE, "**好**");
        assertThat(lowUnfixed.fixed()).isFalse();
        assertThat(lowUnfixed.severeUnresolved()).isFalse(); // a low-severity defect that remains is not severe

        // five bad-case dialogues: clean; fixed with a minor new issue; fixed with a major one; severe; unfixed low
        List<Metrics.DialogueVerdict> ds = List.of(
                Metrics.dialogue(List.of(cleanFix, cleanFix)),
                Metrics.dialogue(List.of(cleanFix, fixedMinor)),
                Metrics.dialogue(List.of(fixedMajor)),
                Metrics.dialogue(List.of(cleanFix, severe)),
                Metrics.dialogue(List.of(lowUnfixed)));
        Metrics.BadCaseRates r = Metrics.badCaseRates(ds);
        assertThat(r.fix()).isCloseTo(3 / 5.0, within(1e-12));
        assertThat(r.cleanFix()).isCloseTo(1 / 5.0, within(1e-12));
        assertThat(r.majorIssue()).isCloseTo(1 / 5.0, within(1e-12));
        assertThat(r.severeUnresolved()).isCloseTo(1 / 5.0, within(1e-12));
        assertThat(Metrics.badCaseRates(List.of()).fix()).isNaN();
    }

    @Test
    void averageRatingAndExcellentShare() {
        List<List<Integer>> ds = List.of(List.of(5, 3), List.of(4, 4, 4), List.of(1, 2, 3), List.of(5));
        // dialogue means 4, 4, 2, 5 -> 15/4
        assertThat(Metrics.averageRating(ds)).isCloseTo(3.75, within(1e-12));
        assertThat(Metrics.excellentShare(ds)).isCloseTo(0.5, within(1e-12));
        assertThat(Metrics.averageRating(List.of())).isNaN();
    }

    @Test
    void skillScoresArePassSharesPerSkill() {
        Metrics.Outcome a = Metrics.outcome(ALL, "谢谢，目标价880元");   // sop: leak fails, thanks passes -> 1/2; scope 1/1; fluency 2/2
        Metrics.Outcome b = Metrics.outcome(ALL, "**保证** ok fine");    // sop 1/2 (no leak, no thanks); scope 0/1; fluency 0/2
        Map<Skill, Double> s = Metrics.skillScores(List.of(a.skills(), b.skills()));
        assertThat(s.get(Skill.SOP_COMPLIANCE)).isCloseTo(2 / 4.0, within(1e-12));
        assertThat(s.get(Skill.SCOPE)).isCloseTo(1 / 2.0, within(1e-12));
        assertThat(s.get(Skill.FLUENCY)).isCloseTo(2 / 4.0, within(1e-12));
        assertThat(s).doesNotContainKey(Skill.NEGOTIATION);
    }

    @Test
    void taskSuccessNeedsEveryTicketAtOrBelowTargetInTimeAndNoBreach() {
        List<Double> targets = List.of(880.0, 600.0);
        assertThat(Metrics.taskSuccess(List.of(880.0, 590.0), targets, 6, 8, false)).isTrue();
        assertThat(Metrics.taskSuccess(List.of(880.0, 601.0), targets, 6, 8, false)).isFalse();  // one ticket above target
        assertThat(Metrics.taskSuccess(Arrays.asList(880.0, null), targets, 6, 8, false)).isFalse(); // a ticket not agreed
        assertThat(Metrics.taskSuccess(List.of(800.0, 500.0), targets, 9, 8, false)).isFalse();  // too many turns
        assertThat(Metrics.taskSuccess(List.of(800.0, 500.0), targets, 6, 8, true)).isFalse();   // a high-severity breach
        assertThat(Metrics.share(List.of(true, false, true, true))).isCloseTo(0.75, within(1e-12));
    }
}
