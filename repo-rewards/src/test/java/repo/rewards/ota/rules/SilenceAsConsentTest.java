package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code silence-as-consent}: exactly which findings fire, with their evidence. */
class SilenceAsConsentTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: empty hotel turn taken as yes", item(ZH, "既然您没有异议，我这边就按880元提交了。", a("王经理，豪华大床房能否调到880元？"), h("")),
                        "没有异议"),
                c("zh: no hotel turn, 默认", item(ZH, "王经理，您没回复我就默认您同意了哈，稍后帮您改价。", a("王经理，豪华大床房能否调到880元？")),
                        "没回复我就默认"),
                c("zh: polite follow-up", item(ZH, "王经理，不知道您考虑得怎么样了？如果有顾虑可以随时和我说。", a("王经理，豪华大床房能否调到880元？"),
                        h("..."))),
                c("zh: the hotel did answer", item(ZH, "好的，既然您没有异议，我们就按880元确认。", h("同意，按880改吧。"))),
                c("en: two consent phrases", item(EN, "Since you haven't objected, we'll take that as a yes and update the rate to ¥1,150.",
                        a("Could the Deluxe King Room come down to ¥1,150?"), h("[no reply]")), "Since you haven't objected", "take that as a yes"),
                c("en: conditional is fine", item(EN, "Just following up on the Deluxe King Room rate: if you have no objection, could you reply to confirm?",
                        a("Could the Deluxe King Room come down to ¥1,150?"), h("..."))),
                c("en: no hotel turn, go ahead", item(EN, "I'll go ahead and update the rate to ¥1,150 then.", a("Could the Deluxe King Room come down to ¥1,150?")),
                        "I'll go ahead and update"),
                c("en: opening turn, no history", item(EN, "Hi Ms. Chen, no objection from our side to keeping breakfast included."))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("silence-as-consent", c);
    }
}
