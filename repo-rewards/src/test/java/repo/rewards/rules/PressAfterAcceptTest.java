package repo.rewards.rules;

import static repo.rewards.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code press-after-accept}: exactly which findings fire, with their evidence. */
class PressAfterAcceptTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: presses after 870 <= target", item(ZH, "谢谢王经理！不过您看能不能再降一点到850？", a("您看豪华大床房能否调到880元？"),
                        h("行吧，那就按870给你们。")), "能不能再降"),
                c("zh: accepts 870", item(ZH, "太感谢王经理了！那豪华大床房到手价就按870元，麻烦您在后台更新一下。", h("行吧，那就按870给你们。"))),
                c("zh: 950 is above target, pressing is fine", item(ZH, "理解您的难处，您看950元的话能否再让一点，到900元？",
                        h("最多只能降到950，再低真的不行了。"))),
                c("zh: agreed without a price", item(ZH, "好的！那能不能再便宜一点？", h("可以，就按你们说的来。")), "能不能再便宜"),
                c("zh: 不同意 is no agreement", item(ZH, "理解，那能不能再便宜一点？", h("不同意，这个价太低了。"))),
                c("en: go a bit lower after ¥1,120", item(EN, "Great, thanks! Could you go a bit lower, say ¥1,100?", h("OK, we can do ¥1,120 net.")),
                        "go a bit lower"),
                c("en: accepts ¥1,140", item(EN, "Thank you, ¥1,140 it is. Please update the Deluxe King Room in the extranet.",
                        h("Fine, ¥1,140 works for us."))),
                c("en: asks a lower price after ¥1,150", item(EN, "Thanks. How about ¥1,100 instead?", h("We can do ¥1,150.")), "¥1,100"),
                c("en: tentative answer", item(EN, "Sure, could you go a bit lower, though?", h("Let me think about it and check with my GM.")))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("press-after-accept", c);
    }
}
