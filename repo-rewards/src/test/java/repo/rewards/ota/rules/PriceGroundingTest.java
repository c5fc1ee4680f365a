package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code price-grounding}: exactly which findings fire, with their evidence. */
class PriceGroundingTest {
    /** One ticket 豪华大床房 sale 1200 / net 1000 / target 900 / floor 870, so a 15% cut on the net goes below the floor. */
    static final repo.rewards.ota.TaskInfo ZH_TREND = new repo.rewards.ota.TaskInfo(ZH.hotel(),
            java.util.List.of(new repo.rewards.ota.TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 1200, 1000, 900, 870)), ZH_COMPETITORS,
            new repo.rewards.ota.TaskInfo.DemandSignals(12000.0, 0.021, "预订趋势 下降了15%"), "王经理", "CNY", null);

    static Stream<Case> cases() {
        return Stream.of(
                c("zh: competitor, net and a proposal in range", item(ZH, "参考全季酒店899元的价格，您看豪华大床房能否从1000元调整到880元？")),
                c("zh: 降10%到¥900 from 1000 adds up", item(ZH, "如果在现有到手价基础上降10%到¥900，转化会更有竞争力。")),
                c("zh: 降10%到¥900 from 1200 does not", item(new repo.rewards.ota.TaskInfo(ZH.hotel(),
                        java.util.List.of(new repo.rewards.ota.TaskInfo.Ticket("豪华大床房", "12-01", 1400, 1200, 1000, 950)), ZH.competitors(),
                        null, null, null, null), "如果在现有到手价基础上降10%到¥900，转化会更有竞争力。"), "10%到¥900"),
                c("zh: 打九折即900元", item(ZH, "您看能不能打九折，即900元？")),
                c("zh: below the floor", item(ZH, "王经理，能不能给到800元？"), "800元"),
                c("zh: invented competitor price", item(ZH, "隔壁全季酒店才卖650元，您这价格太高了。"), "650元"),
                c("zh: price the hotel stated earlier is grounded", item(ZH, "您之前说旺季卖过1500元，现在是淡季了。",
                        h("旺季的时候我们卖过1500。"))),
                c("zh: 便宜100元到900", item(ZH, "在现在的基础上便宜100元到900元可以吗？")),
                c("zh: a trend percentage followed by a competitor price is no arithmetic",
                        item(ZH, "近7天贵酒店的预订环比下降了12%，同商圈的全季酒店同款豪华大床房是899元。")),
                c("en: competitor, net and proposal", item(EN, "Bund Garden Hotel sells its Deluxe King at ¥1,180; could we bring your net rate from ¥1,300 to ¥1,150?")),
                c("en: bad discount arithmetic", item(EN, "A 10% cut would bring it to ¥1,100."), "10% cut would bring it to ¥1,100"),
                c("en: ungrounded price above every ticket", item(EN, "Last year you sold this room at ¥1,680, so ¥1,150 is fair."), "¥1,680"),
                c("en: a 20% cut goes below the floor", item(EN, "Could you cut the net rate by 20%?"), "20%"),
                // Percentages that describe the task's demand signals are no discounts.
                c("zh: 预订下降了15% is a trend, not a cut", item(ZH_TREND, "王经理，近7天预订下降了15%，同商圈全季酒店才899元，您看到手价能否调到900元？")),
                c("zh: 曝光减少了20% is a trend", item(ZH_TREND, "您家豪华大床房近期曝光减少了20%，转化率只有2.1%，到手价调到900元会更有竞争力。")),
                c("en: bookings dropped 15% is a trend", item(ZH_TREND, "Bookings dropped 15% week on week; could the net rate come down to ¥900?")),
                c("zh: a 15% cut still fires", item(ZH_TREND, "预订下降了，您看到手价能不能再降15%？"), "15%")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("price-grounding", c);
    }
}
