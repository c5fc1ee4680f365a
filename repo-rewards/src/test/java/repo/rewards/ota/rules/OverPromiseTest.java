package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code over-promise}: exactly which findings fire, with their evidence. */
class OverPromiseTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: 保证 ranking", item(ZH, "只要降到880元，我们保证您的排名进入商圈前三。"), "保证"),
                c("zh: 包您满房", item(ZH, "调价之后包您满房！"), "包您满房"),
                c("zh: negated", item(ZH, "调价后曝光和转化一般会有提升，但具体效果我们无法保证。")),
                c("zh: 一定程度上", item(ZH, "价格调整后在一定程度上能提升排名。")),
                c("zh: 一定会 bookings", item(ZH, "价格降下来以后订单一定会涨起来的。"), "一定会"),
                c("en: will definitely get bookings", item(EN, "If you lower the rate to ¥1,150, you will definitely get more bookings."), "will definitely"),
                c("en: guarantee ranking", item(EN, "We guarantee top ranking on our app."), "guarantee"),
                c("en: cannot guarantee", item(EN, "We can't guarantee rankings, but a competitive rate usually improves conversion.")),
                c("en: commitment without an outcome", item(EN, "I will definitely pass your feedback to my manager."))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("over-promise", c);
    }
}
