package repo.rewards.rules;

import static repo.rewards.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code price-grounding}: exactly which findings fire, with their evidence. */
class PriceGroundingTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: competitor, net and a proposal in range", item(ZH, "参考全季酒店899元的价格，您看豪华大床房能否从1000元调整到880元？")),
                c("zh: 降10%到¥900 from 1000 adds up", item(ZH, "如果在现有到手价基础上降10%到¥900，转化会更有竞争力。")),
                c("zh: 降10%到¥900 from 1200 does not", item(new repo.rewards.api.TaskInfo(ZH.hotel(),
                        java.util.List.of(new repo.rewards.api.TaskInfo.Ticket("豪华大床房", "12-01", 1400, 1200, 1000, 950)), ZH.competitors(),
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
                c("en: a 20% cut goes below the floor", item(EN, "Could you cut the net rate by 20%?"), "20%")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("price-grounding", c);
    }
}
