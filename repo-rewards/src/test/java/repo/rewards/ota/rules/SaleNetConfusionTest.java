package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code sale-net-confusion}: exactly which findings fire, with their evidence. */
class SaleNetConfusionTest {
    /** Two tickets: 豪华大床房 sale 1280 / net 1100, 行政套房 sale 1800 / net 1500 / target 1280. */
    static final repo.rewards.ota.TaskInfo ZH_KING_SUITE = new repo.rewards.ota.TaskInfo(ZH.hotel(), java.util.List.of(
            new repo.rewards.ota.TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 1280, 1100, 980, 950),
            new repo.rewards.ota.TaskInfo.Ticket("行政套房", "2026-12-01..2026-12-03", 1800, 1500, 1280, 1250)), ZH_COMPETITORS, ZH.demand(), null, "CNY", null);

    static Stream<Case> cases() {
        return Stream.of(
                c("zh: net price called 售价", item(ZH, "您现在豪华大床房的售价是1000元，比全季酒店贵了不少。"), "1000元"),
                c("zh: sale price called 到手价", item(ZH, "目前您的到手价是1200元，有点偏高。"), "1200元"),
                c("zh: both labelled right", item(ZH, "目前售价1200元，您的到手价是1000元，希望到手价能调到880元。")),
                c("zh: label after the number", item(ZH, "现在是1000元到手，能否调到880元？")),
                c("en: net rate called sale price", item(EN, "Your current sale price of ¥1,300 is well above Bund Garden Hotel."), "¥1,300"),
                c("en: sale price called net", item(EN, "At ¥1,500 net, you are the most expensive on the street."), "¥1,500"),
                c("en: both right", item(EN, "Guests see a sale price of ¥1,500 and your net rate is ¥1,300; could the net come down to ¥1,150?")),
                c("en: unlabelled prices", item(EN, "Riverside Inn is at ¥1,090 and you are at ¥1,300.")),
                // Multi-ticket: a net proposal for one room type may equal another room type's sale price.
                c("zh: 行政套房到手价1280 equals 豪华大床房售价", item(ZH_KING_SUITE, "豪华大床房到手价能否调到1000元？行政套房到手价希望能调到1280元。")),
                c("zh: 豪华大床房到手价1280 is its own sale price", item(ZH_KING_SUITE, "目前豪华大床房的到手价1280元偏高，行政套房的售价1800元也高于竞品。"), "1280元"),
                c("zh: no room type named falls back to every ticket", item(ZH_KING_SUITE, "目前您的到手价是1280元，有点偏高。"), "1280元"),
                c("zh: room type named earlier in the sentence", item(ZH_KING_SUITE, "关于行政套房：亚朵同类套房卖1600元，您这边到手价调到1280元是否可行？"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("sale-net-confusion", c);
    }
}
