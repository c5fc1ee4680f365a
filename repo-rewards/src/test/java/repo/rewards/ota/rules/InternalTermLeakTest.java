package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code internal-term-leak}: exactly which findings fire, with their evidence. */
class InternalTermLeakTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: 工单 and 目标价", item(ZH, "王经理，我们系统里这个工单的目标价是880元，您看能不能调一下？"), "工单", "目标价"),
                c("zh: clean proposal", item(ZH, "王经理您好，豪华大床房目前到手价1000元，周边同类酒店在899元左右，您看能否调整到880元？")),
                c("zh: internal system name", item(ZH, "我们追价系统显示您的豪华大床房价格偏高。"), "追价系统"),
                c("zh: 底价", item(ZH, "您这边的底价大概是多少呢？", h("价格不好再降了。")), "底价"),
                c("en: work order and target price", item(EN, "Per our work order, the target price for the Deluxe King Room is ¥1,150."),
                        "work order", "target price"),
                c("en: 'target guests' is not a leak", item(EN, "We want to help you reach more target guests; could the Deluxe King Room come down to ¥1,150?")),
                c("en: floor price, any case", item(EN, "What is your Floor Price for these dates?"), "Floor Price"),
                c("configured systems replace the defaults", Map.of("systems", java.util.List.of("PriceBot")),
                        item(EN, "PriceBot flagged your rate; our price-chase system is not needed here."), "PriceBot")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("internal-term-leak", c);
    }
}
