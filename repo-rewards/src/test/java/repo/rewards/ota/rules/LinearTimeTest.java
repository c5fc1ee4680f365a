package repo.rewards.ota.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import repo.rewards.api.SourceResult;

/**
 * Every rule on a 1 MB reply without spaces: a quadratic regex (the old e-mail/URL pattern took 21 s on 87k
 * characters and did not finish 1.7 M in 10 minutes) would not end within the guard; linear ones take well under
 * a second each. The guard is a hang detector, not a speed measurement (speeds belong to benchmarks).
 */
class LinearTimeTest {
    static final int SIZE = 1 << 20;

    static String repeat(String unit) {
        StringBuilder sb = new StringBuilder(SIZE + unit.length());
        while (sb.length() < SIZE) {
            sb.append(unit);
        }
        return sb.substring(0, SIZE);
    }

    static Stream<String> replies() {
        return Stream.of(
                repeat("价格调整酒店到手价豪华大床房"),                 // Chinese, no spaces
                repeat("abcdefghij"),                                // one endless Latin word
                repeat("a@b."));                                     // e-mail-like fragments everywhere (the old quadratic case)
    }

    /** Dense cases (a price, discount, demand word or marker every few characters) at 128k code points. */
    static Stream<String> dense() {
        return Stream.of("880元", "9折到880元", "曝光12000", "**", "保证流量", "Grand Hotel ", "全季酒店", "再降", "x@y", "http:", "<think", "1234567890", "【思考")
                .map(u -> repeat(u).substring(0, SIZE / 8));
    }

    @ParameterizedTest
    @MethodSource("dense")
    void denseRepliesAreScoredInLinearTime(String reply) {
        aMegabyteReplyIsScoredInLinearTime(reply);
    }

    @ParameterizedTest
    @MethodSource("replies")
    void aMegabyteReplyIsScoredInLinearTime(String reply) {
        RuleSet rules = RuleSet.defaults().withMaxReplyChars(2 * SIZE);
        SourceResult r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> rules.evaluate(Fixtures.item(Fixtures.ZH, reply, Fixtures.a("您看豪华大床房到手价能否调到880元？"), Fixtures.h("行吧"))));
        assertThat(r.failed()).as(String.valueOf(r.error())).isFalse();
        assertThat(r.findings()).allSatisfy(f -> {
            if (f.evidence() != null) {
                assertThat(f.evidence().text().codePointCount(0, f.evidence().text().length())).isLessThanOrEqualTo(RuleSet.MAX_EVIDENCE_CHARS);
            }
        });
    }

    @org.junit.jupiter.api.Test
    void aReplyOverTheCapFailsTheSourceWithAClearError() {
        SourceResult r = RuleSet.defaults().evaluate(Fixtures.item(Fixtures.ZH, repeat("好").substring(0, RuleSet.DEFAULT_MAX_REPLY_CHARS + 1)));
        assertThat(r.failed()).isTrue();
        assertThat(r.error()).isEqualTo("reply of 200001 code points is longer than the 200000 the rules accept; shorten it "
                + "(RuleSet.withMaxReplyChars raises the cap)");
    }
}
