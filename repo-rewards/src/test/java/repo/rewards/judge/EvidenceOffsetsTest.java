package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import repo.rewards.api.Finding;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.RubricRulesJudge;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.Turn;
import repo.rewards.ota.rules.RuleSet;

/**
 * Evidence spans are Unicode code points in every source (LLM judge, offline judge, rules), right after emoji and
 * other surrogate pairs, with the text cut to 200 code points and the full length kept as {@code end - begin}.
 */
class EvidenceOffsetsTest {
    static final JudgeResponseParser PARSER = new JudgeResponseParser(TestData.rubric());

    static String answer(String evidence) {
        return TestData.validAnswer().replace("\"evidence\": \"保证订单翻倍\"", "\"evidence\": \"" + evidence + "\"");
    }

    static List<Finding> judged(String reply, String evidence) throws Exception {
        return PARSER.findings(PARSER.parse(answer(evidence)), reply);
    }

    @Test
    void judgeEvidenceAfterEmojiIsInCodePoints() throws Exception {
        String reply = "😀👍🏻王经理，降到420元我们保证订单翻倍。"; // three code points outside the BMP: six UTF-16 units
        Finding f = judged(reply, "保证订单翻倍").get(0);
        assertThat(reply.indexOf("保证")).isEqualTo(18);
        assertThat(f.evidence()).isEqualTo(new Finding.Evidence(15, 21, "保证订单翻倍"));
        assertThat(reply.codePoints().skip(15).limit(6).collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()).isEqualTo("保证订单翻倍");
        // an emoji inside the quote counts one too
        Finding g = judged("好的👍保证订单翻倍👍！", "👍保证订单翻倍👍").get(0);
        assertThat(g.evidence()).isEqualTo(new Finding.Evidence(2, 10, "👍保证订单翻倍👍"));
        assertThat(g.evidence().length()).isEqualTo(8);
    }

    @Test
    void longJudgeEvidenceIsBoundedWithItsFullLength() throws Exception {
        String quote = "保证" + "😀".repeat(300);
        Finding f = judged("王经理，" + quote + "。", quote).get(0);
        assertThat(f.evidence().begin()).isEqualTo(4);
        assertThat(f.evidence().length()).isEqualTo(302);
        assertThat(f.evidence().truncated()).isTrue();
        assertThat(f.evidence().text().codePointCount(0, f.evidence().text().length())).isEqualTo(Finding.Evidence.MAX_TEXT_CODE_POINTS);
        assertThat(f.evidence().text()).startsWith("保证😀").doesNotEndWith("\uD83D"); // never cut inside a surrogate pair
        // a quote that is not in the reply is kept in the message, bounded, with its length
        Finding g = judged("王经理，降到420元。", quote).get(0);
        assertThat(g.evidence()).isNull();
        assertThat(g.message()).contains("(302 code points), not found verbatim in the reply").hasSizeLessThan(500);
    }

    @Test
    void offlineJudgeEvidenceIsInCodePoints() {
        String reply = "😀😀王经理，湖滨假日酒店的豪华大床房是455元，您看到手价420元可以吗？";
        ScoredItem item = TestData.item(reply, Turn.agent("王经理您好，我是OTA的小李。"), Turn.hotel("你说。"));
        SourceResult r = new RubricRulesJudge(Rubric.builtin()).judge(item);
        Finding cites = r.findings().stream().filter(f -> f.ruleId().equals("cites-competitor-evidence")).findFirst().orElseThrow();
        assertThat(reply.indexOf("455")).isEqualTo(21);
        assertThat(cites.evidence()).isEqualTo(new Finding.Evidence(19, 22, "455"));
    }

    @Test
    void ruleEvidenceAfterEmojiIsInCodePointsToo() {
        String reply = "👍🏻王经理，我们保证订单翻倍。";
        SourceResult r = RuleSet.defaults().evaluate(TestData.item(reply));
        Finding f = r.findings().stream().filter(x -> x.ruleId().equals("over-promise")).findFirst().orElseThrow();
        int[] cps = reply.codePoints().toArray();
        assertThat(new String(cps, f.evidence().begin(), f.evidence().length())).isEqualTo(f.evidence().text()).startsWith("保证");
        assertThat(f.evidence().begin()).isEqualTo(8).isNotEqualTo(reply.indexOf("保证"));
    }

    @Test
    void evidenceFromUtf16RangesIsConvertedOnce() {
        String reply = "a😀b";
        assertThat(Finding.Evidence.ofUtf16(reply, 3, 4)).isEqualTo(new Finding.Evidence(2, 3, "b"));
        assertThat(Finding.Evidence.ofUtf16(reply, 1, 3)).isEqualTo(new Finding.Evidence(1, 2, "😀"));
        assertThat(Finding.Evidence.bounded("x".repeat(201))).hasSize(200);
        assertThat(Finding.Evidence.bounded("x".repeat(200))).hasSize(200);
    }
}
