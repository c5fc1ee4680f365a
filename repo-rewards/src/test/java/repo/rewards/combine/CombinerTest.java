package repo.rewards.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import repo.rewards.api.RewardSource;
import repo.rewards.api.SourceResult;

class CombinerTest {
    static final Roles STD = new Roles("rm", List.of("judge"), List.of("rules"));
    static final List<String> NAMES = List.of("rm", "judge", "rules");

    /** The named sources of one sample: rm, judge, rules, leaving out those that are null (off). */
    static Sources s(SourceResult rm, SourceResult judge, SourceResult rules) {
        java.util.Map<String, SourceResult> m = new java.util.LinkedHashMap<>();
        if (rm != null) {
            m.put("rm", rm);
        }
        if (judge != null) {
            m.put("judge", judge);
        }
        if (rules != null) {
            m.put("rules", rules);
        }
        return new Sources(m);
    }

    static Combined c(RewardCombiner comb, SourceResult rm, SourceResult judge, SourceResult rules) {
        return comb.combine(s(rm, judge, rules));
    }
    static SourceResult rm(double v) {
        return SourceResult.ok("rm", v, List.of(), 0);
    }

    static SourceResult judge(double v) {
        return SourceResult.ok("judge", v, List.of(), 0);
    }

    static SourceResult rules(double v) {
        return SourceResult.ok("rules", v, List.of(), 0);
    }

    static final EnhancementCombiner ENH = new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, null);

    /** repo-method.md §3's four sign rules, the clip, and R_model = 0, by hand (n = 100). */
    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("R>0, E>0 amplifies", 2.0, 30.0, 20.0, 50.0, 3.0),
                Arguments.of("R>0, E<0 weakens", 2.0, -30.0, -20.0, -50.0, 1.0),
                Arguments.of("R<0, E<0 amplifies the penalty", -2.0, -30.0, -20.0, -50.0, -3.0),
                Arguments.of("R<0, E>0 mitigates", -2.0, 30.0, 20.0, 50.0, -1.0),
                Arguments.of("clip at -n cancels, never flips", 1.5, -80.0, -70.0, -100.0, 0.0),
                Arguments.of("clip at +n doubles", -0.8, 120.0, 40.0, 100.0, 0.0),
                Arguments.of("clip at +n doubles a positive", 0.8, 120.0, 40.0, 100.0, 1.6),
                Arguments.of("R_model = 0: no effect", 0.0, -90.0, -50.0, -100.0, 0.0),
                Arguments.of("E = 0: R_model unchanged", 0.37, 10.0, -10.0, 0.0, 0.37));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void handComputed(String name, double r, double j, double f, double e, double want) {
        Combined c = c(ENH, rm(r), judge(j), rules(f));
        assertThat(c.eEnh()).isCloseTo(e, within(1e-12));
        assertThat(c.rTotal()).isCloseTo(want, within(1e-12));
        assertThat(c.rModel()).isEqualTo(r);
        assertThat(c.eJudge()).isEqualTo(j);
        assertThat(c.eFunc()).isEqualTo(f);
        assertThat(c.dropped()).isFalse();
    }

    private static double randomRm(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> 0.0;
            case 1 -> rnd.nextBoolean() ? Double.MIN_VALUE : -1e-300;
            default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
        };
    }

    private static double randomPoints(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0.0;
            case 1 -> -50.0 * rnd.nextInt(6);
            default -> (rnd.nextDouble() * 2 - 1) * 400;
        };
    }

    @Test
    void propertiesHoldOnSeededRandomCases() {
        Random rnd = new Random(20251004);
        for (int i = 0; i < 5000; i++) {
            double n = rnd.nextBoolean() ? 100 : 1 + rnd.nextDouble() * 500;
            EnhancementCombiner comb = new EnhancementCombiner(n, STD, OnSourceFailure.USE_REMAINING, null);
            double r = randomRm(rnd);
            double j = randomPoints(rnd), f = randomPoints(rnd), f2 = randomPoints(rnd);
            Combined c = c(comb, rm(r), judge(j), rules(f));
            String at = "case " + i + ": r=" + r + " j=" + j + " f=" + f + " n=" + n;
            double e = c.eEnh(), total = c.rTotal();
            // the clip holds
            assertThat(e).as(at).isBetween(-n, n).isEqualTo(Math.max(-n, Math.min(n, j + f)));
            // the sign of R_model never flips
            assertThat(total * r).as(at).isGreaterThanOrEqualTo(0.0);
            assertThat(Math.signum(total) == Math.signum(r) || total == 0).as(at).isTrue();
            // |R_total| <= 2 |R_model|
            assertThat(Math.abs(total)).as(at).isLessThanOrEqualTo(2 * Math.abs(r) * (1 + 1e-12));
            // R_model = 0 => R_total = 0
            if (r == 0) {
                assertThat(total).as(at).isZero();
            }
            // monotone non-decreasing in E_enh
            Combined c2 = c(comb, rm(r), judge(j), rules(f2));
            if (c2.eEnh() >= e) {
                assertThat(c2.rTotal()).as(at + " f2=" + f2).isGreaterThanOrEqualTo(total);
            } else {
                assertThat(c2.rTotal()).as(at + " f2=" + f2).isLessThanOrEqualTo(total);
            }
            // the multiplier stays in [0, 2]
            if (r != 0) {
                assertThat(total / r).as(at).isBetween(-1e-12, 2 + 1e-12);
            }
        }
    }

    @Test
    void absentSourcesAreNullAndNoRmGivesEOverN() {
        Combined onlyRules = c(ENH, null, null, rules(-30));
        assertThat(onlyRules.rTotal()).isEqualTo(-0.3);
        assertThat(onlyRules.rModel()).isNull();
        assertThat(onlyRules.eJudge()).isNull();
        assertThat(onlyRules.note()).contains("no rm");
        Combined rmOnly = c(ENH, rm(1.7), null, null);
        assertThat(rmOnly.rTotal()).isEqualTo(1.7);
        assertThat(rmOnly.eEnh()).isZero();
    }

    @Test
    void failurePolicies() {
        SourceResult judgeDown = SourceResult.failure("judge", "timeout after 30 s", 30000);
        Combined use = c(new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, null), rm(2), judgeDown, rules(-50));
        assertThat(use.dropped()).isFalse();
        assertThat(use.eJudge()).isZero();
        assertThat(use.failedSources()).containsExactly("judge");
        assertThat(use.rTotal()).isEqualTo(1.0);
        Combined drop = c(new EnhancementCombiner(100, STD, OnSourceFailure.DROP_SAMPLE, null), rm(2), judgeDown, rules(-50));
        assertThat(drop.dropped()).isTrue();
        assertThat(drop.rTotal()).isNull();
        assertThat(drop.failedSources()).containsExactly("judge");
        Combined rmDown = c(new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, null),
                SourceResult.failure("rm", "OOM", 5), judge(10), rules(0));
        assertThat(rmDown.dropped()).isTrue();
        assertThat(rmDown.note()).contains("rm failed").contains("OOM");
        Combined ws = c(new WeightedSum(Map.of(), STD, NAMES, OnSourceFailure.USE_REMAINING), rm(2), judgeDown, rules(-50));
        assertThat(ws.rTotal()).isEqualTo(-48.0);
        assertThat(ws.failedSources()).containsExactly("judge");
        assertThat(c(new WeightedSum(Map.of(), STD, NAMES, OnSourceFailure.DROP_SAMPLE), rm(2), judgeDown, rules(-50)).dropped()).isTrue();
    }

    @Test
    void weightedSum() {
        Combined c = c(new WeightedSum(Map.of("rm", 2.0, "judge", 0.01, "rules", 0.02), STD, NAMES, OnSourceFailure.USE_REMAINING),
                rm(1.5), judge(-40), rules(-50));
        assertThat(c.rTotal()).isCloseTo(3.0 - 0.4 - 1.0, within(1e-12));
        assertThat(c.eEnh()).isNull();
        assertThatThrownBy(() -> new WeightedSum(Map.of("rmm", 1.0), STD, NAMES, OnSourceFailure.USE_REMAINING))
                .hasMessage("weights.rmm: unknown source; the sources are rm, judge, rules");
    }

    @Test
    void normalizeThenSumInBatchMode() {
        NormalizeThenSum comb = new NormalizeThenSum(Map.of(), STD, NAMES, OnSourceFailure.USE_REMAINING, NormalizeThenSum.Mode.BATCH);
        // rm: 1, 2, 3 -> mean 2, std sqrt(2/3); rules: -100, 0, -50 -> mean -50, std sqrt(5000/3); judge constant -> 0
        List<Combined> out = comb.combineBatch(List.of(s(rm(1), judge(-10), rules(-100)),
                s(rm(2), judge(-10), rules(0)), s(rm(3), judge(-10), rules(-50))));
        double sRm = Math.sqrt(2.0 / 3), sRules = Math.sqrt(5000.0 / 3);
        assertThat(out.get(0).rTotal()).isCloseTo(-1 / sRm - 50 / sRules, within(1e-12));
        assertThat(out.get(1).rTotal()).isCloseTo(0 + 50 / sRules, within(1e-12));
        assertThat(out.get(2).rTotal()).isCloseTo(1 / sRm + 0, within(1e-12));
        assertThat(out.get(0).rModel()).isEqualTo(1.0);
        // the sum of z-scores over the batch is zero per source
        assertThat(out.stream().mapToDouble(Combined::rTotal).sum()).isCloseTo(0, within(1e-12));
        // scale invariance: multiplying a source by 1000 changes nothing
        List<Combined> scaled = comb.combineBatch(List.of(s(rm(1), judge(-10), rules(-100000)),
                s(rm(2), judge(-10), rules(0)), s(rm(3), judge(-10), rules(-50000))));
        for (int i = 0; i < 3; i++) {
            assertThat(scaled.get(i).rTotal()).isCloseTo(out.get(i).rTotal(), within(1e-9));
        }
    }

    @Test
    void normalizeThenSumRunningAndFailures() {
        NormalizeThenSum running = new NormalizeThenSum(Map.of(), STD, NAMES, OnSourceFailure.USE_REMAINING, NormalizeThenSum.Mode.RUNNING);
        assertThat(c(running, rm(5), null, null).rTotal()).isZero(); // first value: x - mean = 0
        assertThat(c(running, rm(7), null, null).rTotal()).isCloseTo(1.0, within(1e-12)); // mean 6, std 1
        NormalizeThenSum batch = new NormalizeThenSum(Map.of(), STD, NAMES, OnSourceFailure.DROP_SAMPLE, NormalizeThenSum.Mode.BATCH);
        List<Combined> out = batch.combineBatch(List.of(s(rm(1), null, SourceResult.failure("rules", "bug", 0)),
                s(rm(3), null, rules(0))));
        assertThat(out.get(0).dropped()).isTrue();
        assertThat(out.get(1).rTotal()).isCloseTo(1.0, within(1e-12)); // the failed item's rm still counts in the stats
    }

    @Test
    void runningWhiteningIsWelford() {
        RunningWhitening w = new RunningWhitening();
        double[] xs = {3, -1, 4, 1, -5, 9, 2, 6};
        for (double x : xs) {
            w.update(x);
        }
        double mean = java.util.Arrays.stream(xs).average().orElseThrow();
        double var = java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / xs.length;
        assertThat(w.mean()).isCloseTo(mean, within(1e-12));
        assertThat(w.std()).isCloseTo(Math.sqrt(var), within(1e-12));
        assertThat(w.whiten(mean + Math.sqrt(var))).isCloseTo(1.0, within(1e-12));
        EnhancementCombiner whitened = new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, new RunningWhitening());
        c(whitened, rm(10), null, rules(0));
        Combined c = c(whitened, rm(20), null, rules(-50));
        assertThat(c.rModel()).isCloseTo(1.0, within(1e-12)); // mean 15, std 5
        assertThat(c.rTotal()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void kindsBuildTheirCombiners() {
        assertThat(CombinerKind.ENHANCEMENT.create(100, Map.of(), OnSourceFailure.USE_REMAINING, false, STD, NAMES)).isInstanceOf(EnhancementCombiner.class);
        assertThat(CombinerKind.WEIGHTED_SUM.create(100, Map.of(), OnSourceFailure.USE_REMAINING, false, STD, NAMES)).isInstanceOf(WeightedSum.class);
        assertThat(CombinerKind.NORMALIZE_THEN_SUM.create(100, Map.of(), OnSourceFailure.USE_REMAINING, false, STD, NAMES)).isInstanceOf(NormalizeThenSum.class);
        assertThatThrownBy(() -> new EnhancementCombiner(0, STD, OnSourceFailure.USE_REMAINING, null)).hasMessageContaining("n must be > 0");
    }

    @Test
    void rolesNameWhichSourceIsRModelAndWhichFeedE() {
        RewardSource a = RewardSource.model("rm_a", x -> List.of()), b = RewardSource.model("rm_b", x -> List.of());
        RewardSource tone = RewardSource.function("tone", x -> List.of()), critic = RewardSource.judge("critic", x -> null);
        assertThatThrownBy(() -> Roles.of(List.of(a, b, tone), null, null, "p.yaml"))
                .hasMessage("p.yaml: combiner.model: several reward models [rm_a, rm_b]; name the one whose score is R_model");
        assertThatThrownBy(() -> Roles.of(List.of(a, b, tone), "rm_a", null, "p.yaml")).hasMessageContaining("'rm_b' takes no part");
        assertThatThrownBy(() -> Roles.of(List.of(a, tone), "rm_a", List.of("toon"), "p.yaml")).hasMessageContaining("no source named 'toon'");
        Roles r = Roles.of(List.of(a, tone, critic), null, null, "p.yaml");
        assertThat(r).isEqualTo(new Roles("rm_a", List.of("critic"), List.of("tone")));
        java.util.Map<String, SourceResult> m = new java.util.LinkedHashMap<>();
        m.put("rm_a", SourceResult.ok("rm_a", 2, List.of(), 0));
        m.put("tone", SourceResult.ok("tone", -30, List.of(), 0));
        m.put("critic", SourceResult.ok("critic", -20, List.of(), 0));
        Combined c = new EnhancementCombiner(100, r, OnSourceFailure.USE_REMAINING, null).combine(new Sources(m));
        assertThat(c.rTotal()).isEqualTo(1.0); // E = -50: 2 * (1 - 0.5)
        assertThat(c.eJudge()).isEqualTo(-20.0);
        assertThat(c.eFunc()).isEqualTo(-30.0);
    }

    @Test
    void whiteningStateRoundTripsSoAResumedRunContinuesExactly() {
        EnhancementCombiner a = new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, new RunningWhitening());
        c(a, rm(10), null, rules(0));
        c(a, rm(20), null, rules(-50));
        EnhancementCombiner b = new EnhancementCombiner(100, STD, OnSourceFailure.USE_REMAINING, new RunningWhitening());
        b.restore(a.state());
        Combined fromB = c(b, rm(7), null, rules(-10));
        Combined fromA = c(a, rm(7), null, rules(-10));
        assertThat(fromB).isEqualTo(fromA);
        double mean = 37.0 / 3, sd = Math.sqrt((Math.pow(10 - mean, 2) + Math.pow(20 - mean, 2) + Math.pow(7 - mean, 2)) / 3);
        assertThat(fromB.rModel()).isCloseTo((7 - mean) / sd, within(1e-12)); // whitened with all three values
        assertThatThrownBy(() -> b.restore(null)).hasMessageContaining("running whitening state");
    }
}
