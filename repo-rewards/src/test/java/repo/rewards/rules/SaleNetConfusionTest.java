package repo.rewards.rules;

import static repo.rewards.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code sale-net-confusion}: exactly which findings fire, with their evidence. */
class SaleNetConfusionTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: net price called 售价", item(ZH, "您现在豪华大床房的售价是1000元，比全季酒店贵了不少。"), "1000元"),
                c("zh: sale price called 到手价", item(ZH, "目前您的到手价是1200元，有点偏高。"), "1200元"),
                c("zh: both labelled right", item(ZH, "目前售价1200元，您的到手价是1000元，希望到手价能调到880元。")),
                c("zh: label after the number", item(ZH, "现在是1000元到手，能否调到880元？")),
                c("en: net rate called sale price", item(EN, "Your current sale price of ¥1,300 is well above Bund Garden Hotel."), "¥1,300"),
                c("en: sale price called net", item(EN, "At ¥1,500 net, you are the most expensive on the street."), "¥1,500"),
                c("en: both right", item(EN, "Guests see a sale price of ¥1,500 and your net rate is ¥1,300; could the net come down to ¥1,150?")),
                c("en: unlabelled prices", item(EN, "Riverside Inn is at ¥1,090 and you are at ¥1,300."))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("sale-net-confusion", c);
    }
}
