package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code hallucinated-fact}: exactly which findings fire, with their evidence. */
class HallucinatedFactTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: listed competitor", item(ZH, "对面的全季酒店同款豪华大床房才899元。")),
                c("zh: unlisted brand", item(ZH, "附近的希尔顿酒店才卖900元。"), "希尔顿酒店"),
                c("zh: unlisted name", item(ZH, "锦里客栈都已经降价了。"), "锦里客栈"),
                c("zh: generic hotels and a true exposure figure", item(ZH, "周边同类酒店的价格都在900元左右，贵酒店上周曝光有12000次。")),
                c("zh: wrong conversion figure", item(ZH, "您的转化率只有1.2%，低于商圈平均。"), "1.2%"),
                c("zh: 近7天 is no brand, 这三家酒店 no name", item(ZH, "近7天这三家酒店的价格都降了。")),
                c("zh: 如家酒店 is not a competitor", item(ZH, "连如家酒店都降价了。"), "如家酒店"),
                c("en: unlisted brand", item(EN, "Even the Marriott nearby has dropped to ¥1,100."), "Marriott"),
                c("en: listed competitor", item(EN, "Riverside Inn is offering ¥1,090 for a Superior King.")),
                c("en: unlisted hotel name", item(EN, "Grand Peninsula Hotel next door charges less."), "Grand Peninsula Hotel"),
                c("en: true demand figures", item(EN, "Your listing had 8,000 impressions last week but conversion was only 1.5%.")),
                c("en: figure without demand signals", item(new repo.rewards.ota.TaskInfo(EN.hotel(), EN.tickets(), EN.competitors(), null,
                        null, null, null), "Your conversion is 3% below the area."), "3%")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("hallucinated-fact", c);
    }
}
