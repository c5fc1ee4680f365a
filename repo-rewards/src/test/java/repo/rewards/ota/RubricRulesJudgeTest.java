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
        assertThat(judge.unassessed()).containsExactly("unsupported-claim");
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
        assertThat(hits("谢谢王经理！能不能再降一点到400？", HELLO, offer)).contains("press-after-acceptance")
                .doesNotContain("accepts-acceptable-offer");
        assertThat(hits("太感谢王经理了！那我们确认一下：豪华大床房12月1日到3日到手价415元，麻烦您在后台更新一下。", HELLO, offer))
                .contains("accepts-acceptable-offer").doesNotContain("press-after-acceptance");
    }

    @Test
    void overPromise() {
        assertThat(hits("您好，降到420元我们保证订单翻倍。", HELLO, Turn.hotel("有什么好处？"))).contains("over-promise");
        assertThat(hits("您好，价格更有竞争力后，转化通常会有改善。", HELLO, Turn.hotel("有什么好处？"))).doesNotContain("over-promise");
    }

    @Test
    void silenceAsConsent() {
        Turn ask = Turn.agent("王经理，豪华大床房调到430元可以吗？");
        assertThat(hits("王经理，您没有回复，我们就按430元为您调整了，谢谢。", HELLO, ask)).contains("silence-as-consent");
        assertThat(hits("王经理，您没有回复，我们就按430元为您调整了，谢谢。", HELLO, ask, Turn.hotel(""))).contains("silence-as-consent");
        assertThat(hits("王经理，不知道您考虑得怎么样？有问题随时找我。", HELLO, ask)).doesNotContain("silence-as-consent");
    }

    @Test
    void repeatedConfirmation() {
        Turn confirm = Turn.agent("那我们确认一下，豪华大床房到手价415元，对吗？");
        Turn yes = Turn.hotel("对，确认。");
        assertThat(hits("再跟您确认一下，豪华大床房到手价415元对吧？", HELLO, confirm, yes)).contains("repeated-confirmation");
        assertThat(hits("那我们确认一下，豪华大床房到手价415元，对吗？", HELLO, Turn.hotel("好的，415元可以。")))
                .doesNotContain("repeated-confirmation");
    }

    @Test
    void offSopNoProgressEmotionAndStyle() {
        assertThat(hits("豪华大床房降到420元。")).contains("off-sop", "poor-emotional-value");
        assertThat(hits(HELLO.content())).doesNotContain("off-sop", "poor-emotional-value");
        assertThat(hits("嗯嗯。", HELLO, Turn.hotel("你说吧。"))).contains("no-negotiation-progress", "poor-emotional-value");
        assertThat(hits("**价格建议**\n- 豪华大床房：420元\n请您考虑。", HELLO, Turn.hotel("你说吧。"))).contains("style-issues");
        assertThat(hits("王经理您好！！降价吧", HELLO, Turn.hotel("你说吧。"))).contains("style-issues");
    }

    @Test
    void multiTicketAndCompetitorEvidence() {
        Turn h = Turn.hotel("你说吧。");
        assertThat(hits("王经理，豪华大床房能否调到420元？", HELLO, h)).contains("ignores-other-tickets");
        assertThat(hits("王经理，豪华大床房调到420元、标准双床房调到390元，您看可以吗？", HELLO, h)).doesNotContain("ignores-other-tickets");
        List<String> cited = hits("王经理，隔壁湖滨假日酒店同房型现在卖455元，您看豪华大床房和标准双床房能不能也调一调？", HELLO, h);
        assertThat(cited).contains("cites-competitor-evidence");
        assertThat(hits("王经理，隔壁湖滨假日酒店同房型现在卖399元，您看能不能也调一调？", HELLO, h))
                .doesNotContain("cites-competitor-evidence"); // wrong number: no bonus
    }

    @Test
    void pointsComeFromTheRubric() {
        SourceResult r = judge.judge(TestData.item("您好，降到420元我们保证订单翻倍。", HELLO, Turn.hotel("有什么好处？")));
        Finding f = r.findings().stream().filter(x -> x.ruleId().equals("over-promise")).findFirst().orElseThrow();
        assertThat(f.points()).isEqualTo(Rubric.builtin().item("over-promise").orElseThrow().points());
        assertThat(f.evidence().text()).isEqualTo("保证订单");
        assertThat(judge.stats().calls()).isEqualTo(1);
    }
}
