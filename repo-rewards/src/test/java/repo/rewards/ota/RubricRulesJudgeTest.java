package repo.rewards.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import repo.rewards.api.Finding;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.Turn;
import repo.rewards.judge.JudgeSources;
import repo.rewards.judge.Rubric;
import repo.rewards.judge.TestData;

/** One dialogue per heuristic of the offline judge, hit and not hit, over the built-in rubric. */
class RubricRulesJudgeTest {
    private final RubricRulesJudge judge = new RubricRulesJudge(Rubric.builtin());
    private static final Turn HELLO = Turn.agent("王经理您好，我是OTA的小李，想和您聊聊豪华大床房12月初的价格。");

    private List<String> hits(String reply, Turn... history) {
        SourceResult r = judge.judge(TestData.item(reply, history));
        assertThat(r.failed()).isFalse();
        assertThat(r.source()).isEqualTo("judge(offline-rules)");
        assertThat(JudgeSources.isOffline(r)).isTrue();
        assertThat(r.findings()).allMatch(f -> f.message().startsWith(RubricRulesJudge.LABEL));
        assertThat(r.value()).isEqualTo(r.findings().stream().mapToDouble(Finding::points).sum());
        return r.findings().stream().map(Finding::ruleId).toList();
    }

    @Test
    void labelledOfflineAndHonestAboutWhatItCannotJudge() {
        assertThat(judge.offline()).isTrue();
        assertThat(judge.unassessed()).containsExactly("press-after-acceptance", "over-promise", "repeated-confirmation",
                "silence-as-consent", "style-issues", "ignores-other-tickets", "unsupported-claim");
        assertThat(JudgeSources.isJudge("judge(offline-rules)")).isTrue();
        assertThat(JudgeSources.isJudge("rules")).isFalse();
    }

    @Test
    void noEmpathyAndOffersAlternative() {
        Turn objection = Turn.hotel("420太低了，我们成本都不够，做不了。");
        assertThat(hits("同区域的湖滨假日酒店才455，您这价格没竞争力，请降到420元。", HELLO, objection)).contains("no-empathy")
                .doesNotContain("offers-alternative");
        assertThat(hits("理解您的难处，成本确实不容易。要不先做周末两天，每晚降到440元，您看可以吗？", HELLO, objection))
                .contains("offers-alternative").doesNotContain("no-empathy");
    }

    @Test
    void pressAfterAcceptanceVersusAcceptingTheOffer() {
        Turn offer = Turn.hotel("行吧，豪华大床房就按415元给你们。");
        assertThat(hits("谢谢王经理！能不能再降一点到400？", HELLO, offer)).doesNotContain("accepts-acceptable-offer");
        assertThat(hits("太感谢王经理了！那我们确认一下：豪华大床房12月1日到3日到手价415元，麻烦您在后台更新一下。", HELLO, offer))
                .contains("accepts-acceptable-offer").doesNotContain("press-after-acceptance");
    }

    @Test
    void itemsThatRestateARuleAreLeftToTheRules() {
        // each of these replies breaks a rule; the offline judge does not penalise it a second time
        Turn ask = Turn.agent("王经理，豪华大床房调到430元可以吗？");
        Turn h = Turn.hotel("你说吧。");
        List<String> all = new java.util.ArrayList<>();
        all.addAll(hits("您好，降到420元我们保证订单翻倍。", HELLO, Turn.hotel("有什么好处？")));
        all.addAll(hits("谢谢王经理！能不能再降一点到400？", HELLO, Turn.hotel("行吧，豪华大床房就按415元给你们。")));
        all.addAll(hits("王经理，您没有回复，我们就按430元为您调整了，谢谢。", HELLO, ask, Turn.hotel("")));
        all.addAll(hits("再跟您确认一下，豪华大床房到手价415元对吧？", HELLO, Turn.agent("那我们确认一下，豪华大床房到手价415元，对吗？"),
                Turn.hotel("对，确认。")));
        all.addAll(hits("**价格建议**\n- 豪华大床房：420元\n请您考虑。", HELLO, h));
        all.addAll(hits("王经理，豪华大床房能否调到420元？", HELLO, h));
        assertThat(all).doesNotContainAnyElementsOf(RubricRulesJudge.LEFT_TO_RULES);
    }

    @Test
    void offSopNoProgressEmotionAndStyle() {
        assertThat(hits("豪华大床房降到420元。")).contains("off-sop", "poor-emotional-value");
        assertThat(hits(HELLO.content())).doesNotContain("off-sop", "poor-emotional-value");
        assertThat(hits("嗯嗯。", HELLO, Turn.hotel("你说吧。"))).contains("no-negotiation-progress", "poor-emotional-value");
    }

    @Test
    void multiTicketAndCompetitorEvidence() {
        Turn h = Turn.hotel("你说吧。");
        List<String> cited = hits("王经理，隔壁湖滨假日酒店同房型现在卖455元，您看豪华大床房和标准双床房能不能也调一调？", HELLO, h);
        assertThat(cited).contains("cites-competitor-evidence");
        assertThat(hits("王经理，隔壁湖滨假日酒店同房型现在卖399元，您看能不能也调一调？", HELLO, h))
                .doesNotContain("cites-competitor-evidence"); // wrong number: no bonus
    }

    @Test
    void pointsComeFromTheRubric() {
        SourceResult r = judge.judge(TestData.item("嗯嗯。", HELLO, Turn.hotel("你说吧。")));
        Finding f = r.findings().stream().filter(x -> x.ruleId().equals("no-negotiation-progress")).findFirst().orElseThrow();
        assertThat(f.points()).isEqualTo(Rubric.builtin().item("no-negotiation-progress").orElseThrow().points());
        assertThat(judge.stats().calls()).isEqualTo(1);
    }
}
