package repo.rewards.ota.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static repo.rewards.ota.rules.Fixtures.a;
import static repo.rewards.ota.rules.Fixtures.h;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import repo.rewards.api.Finding;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.Turn;

/**
 * One row per fix made against the rewards evaluation set: the rule ids the default rule set reports.
 * Task ZH: 豪华大床房 sale 1200 / net 1000 / target 880 / floor 850; competitors 全季酒店(春熙路店) 899, 亚朵酒店(太古里店) 950.
 * Task EN: Deluxe King Room sale 1500 / net 1300 / target 1150 / floor 1100.
 */
class RulesEvalFixesTest {
    static final RuleSet RULES = RuleSet.defaults();
    static final Turn ASK = a("您看豪华大床房到手价能否调到880元？");

    static Set<String> fired(ScoredItem item) {
        SourceResult r = RULES.evaluate(item);
        assertThat(r.failed()).as(String.valueOf(r.error())).isFalse();
        Set<String> out = new TreeSet<>();
        r.findings().forEach(f -> out.add(f.ruleId()));
        return out;
    }

    static Arguments zh(String reply, String... ids) {
        return Arguments.of(Fixtures.item(Fixtures.ZH, reply, a("王经理您好。"), h("说吧。")), Set.of(ids));
    }

    static Arguments en(String reply, String... ids) {
        return Arguments.of(Fixtures.item(Fixtures.EN, reply, a("Hello Ms. Chen."), h("Go ahead.")), Set.of(ids));
    }

    static Arguments after(String hotel, String reply, String... ids) {
        return Arguments.of(Fixtures.item(Fixtures.ZH, reply, ASK, h(hotel)), Set.of(ids));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // traditional characters are read as simplified
                zh("王經理，這張工單的目標價是880元。", "internal-term-leak"),
                zh("調到880元之後，我保證您下個月滿房。", "over-promise"),
                // synonyms and paraphrases of internal terms; near-misses
                zh("跟您交个底，我们内部的底线价是850元。", "internal-term-leak"),
                zh("这次公司给我的考核价是880元。", "internal-term-leak"),
                en("Just so you know, the lowest we can accept internally is 1100.", "internal-term-leak"),
                zh("我们的共同目标是让更多客人看到贵酒店。"),
                en("Our target customers are business travellers."),
                // currency formats and discounts
                en("Could you do $900 for the Deluxe King Room?", "price-grounding"),
                zh("隔壁报价才0.7k，您考虑一下。", "price-grounding"),
                zh("到手价1000元打95折约950元，您看行吗？"),
                zh("到手价1000元做95折的话就是900元。", "price-grounding"),
                en("A 15% discount on your net of 1300 would bring it to 1000.", "price-grounding"),
                en("15% off the 1500 sale price would show guests 1275."),
                // numbers that are no prices
                zh("押金还是500元不变，到手价能否调到880元？"),
                en("The $50 deposit stays the same; could the net rate go to 1150?"),
                en("The hotel is 300 meters from the station."),
                en("In the first quarter of 2018 they helped many children."),
                en("I already have you down for $0.05. Were you willing to pledge more?"),
                // sale and net labels in other words
                zh("客人在页面上看到的价格是1000元，确实偏高。", "sale-net-confusion"),
                en("Guests currently pay $1300 for the Deluxe King Room.", "sale-net-confusion"),
                en("You currently receive 1500 per night for the Deluxe King Room.", "sale-net-confusion"),
                // guarantees without the canonical words; negated and own-action promises
                zh("只要调到880元，排名第一稳稳的，没跑了。", "over-promise"),
                en("Trust me, at 1150 your rooms will sell out, no doubt about it.", "over-promise"),
                zh("我保证今天下班前把方案发给您。"),
                en("I can't guarantee bookings, but a rate of 1150 is likely to help."),
                // hotel categories, short names, demand figures
                zh("作为高档型酒店，贵酒店的设施很有优势。"),
                zh("和同商圈的豪华型酒店相比，贵酒店的性价比更高。"),
                zh("贵酒店在商圈排名第15位。", "hallucinated-fact"),
                en("Your listing had 8,000 views and a 1.5% conversion rate."),
                en("Your conversion last week was only 1.2%.", "hallucinated-fact"),
                // agreement in more forms; refusals
                after("好的，依你。", "那干脆850元吧，您看呢？", "press-after-accept"),
                after("Alright, you've convinced me.", "Thank you! Would you consider an even lower rate?", "press-after-accept"),
                after("不能再便宜了，950是底线。", "理解，那920元您看呢？"),
                // silence phrasings; bracketed reasoning
                Arguments.of(Fixtures.item(Fixtures.ZH, "没收到您的反对意见，默认按880元执行。", ASK), Set.of("silence-as-consent")),
                zh("【思考】先降低对方预期。王经理，880元您看行吗？", "cot-leak"),
                en("(Internal note: she will probably accept.) Could you do 1150?", "cot-leak"),
                zh("（12月1日起生效）王经理，880元您看行吗？"),
                // re-confirmation with the price before the confirm word
                Arguments.of(Fixtures.item(Fixtures.ZH, "那我再确认一下，按880元确认哦。", a("好的，那就按880元确认。"), h("嗯，确认了。")),
                        Set.of("repetition")));
    }

    @ParameterizedTest
    @MethodSource("rows")
    void firesExactly(ScoredItem item, Set<String> expected) {
        assertThat(fired(item)).as(item.reply()).isEqualTo(expected);
    }

    @Test
    void evidenceOffsetsAreCodePointsAfterEmoji() {
        String reply = "😀😀王经理，这个工单请配合。";
        List<Finding> f = RULES.evaluate(Fixtures.item(Fixtures.ZH, reply, a("王经理您好。"), h("说吧。"))).findings();
        Finding.Evidence e = f.stream().filter(x -> x.ruleId().equals("internal-term-leak")).findFirst().orElseThrow().evidence();
        assertThat(e.begin()).isEqualTo(8);   // 2 emoji + 王经理，这个 = 8 code points (10 UTF-16 units)
        assertThat(e.end()).isEqualTo(10);
        assertThat(e.text()).isEqualTo("工单");
        int[] cps = reply.codePoints().toArray();
        assertThat(new String(cps, e.begin(), e.end() - e.begin())).isEqualTo(e.text());
    }

    @Test
    void longEvidenceIsCutTo200CodePointsWithTheFullSpanKept() {
        String reply = "王经理，" + "😀".repeat(500);
        Finding f = RULES.evaluate(Fixtures.item(Fixtures.ZH, reply, a("王经理您好。"), h("说吧。"))).findings().stream()
                .filter(x -> x.ruleId().equals("length")).findFirst().orElseThrow();
        assertThat(f.evidence().end() - f.evidence().begin()).isEqualTo(504 - 400);
        assertThat(f.evidence().text().codePointCount(0, f.evidence().text().length())).isEqualTo(104);
        String longer = "王经理，" + "好".repeat(1000);
        Finding g = RULES.evaluate(Fixtures.item(Fixtures.ZH, longer)).findings().stream()
                .filter(x -> x.ruleId().equals("length")).findFirst().orElseThrow();
        assertThat(g.evidence().end() - g.evidence().begin()).isEqualTo(604);
        assertThat(g.evidence().text()).hasSize(RuleSet.MAX_EVIDENCE_CHARS);
    }
}
