package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.List;
import java.util.Map;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.TaskInfo.Ticket;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code press-after-accept}: exactly which findings fire, with their evidence. */
class PressAfterAcceptTest {
    /** Two tickets: 行政套房 target 1200, 家庭房 target 580. */
    static final TaskInfo ZH_SUITE_FAMILY = new TaskInfo(ZH.hotel(), List.of(new Ticket("行政套房", "2026-12-01..2026-12-03", 1680, 1400, 1200, 1150),
            new Ticket("家庭房", "2026-12-01..2026-12-03", 820, 700, 580, 560)), ZH_COMPETITORS, ZH.demand(), null, "CNY", null);
    /** Two tickets: Superior Queen Room target 750, Family Room target 680. */
    static final TaskInfo EN_QUEEN_FAMILY = new TaskInfo(EN.hotel(), List.of(new Ticket("Superior Queen Room", "2026-11-20..2026-11-22", 980, 850, 750, 720),
            new Ticket("Family Room", "2026-11-20..2026-11-22", 900, 780, 680, 640)), EN_COMPETITORS, EN.demand(), null, "CNY", null);

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
                c("en: tentative answer", item(EN, "Sure, could you go a bit lower, though?", h("Let me think about it and check with my GM."))),
                // A price the hotel states while rejecting it is no offer.
                c("zh: 1200 in a refusal is no offer", item(ZH_SUITE_FAMILY, "理解王经理的难处，附近亚朵同类套房价格其实更低，行政套房到手价1250元您看可以吗？",
                        a("行政套房到手价能否调到1200元？"), h("1200我们真的亏，老板不会同意的。"))),
                c("zh: 家庭房560太低了 is no offer", item(ZH_SUITE_FAMILY, "明白，同商圈竞品家庭房价格更低，我们各让一步，家庭房到手价600元可以吗？",
                        a("家庭房到手价能否给到560元？"), h("家庭房560太低了，我们做不了。"))),
                c("en: ¥1,120 is too low is no offer", item(EN, "I understand. Competitors are even lower, though; could we meet at ¥1,180?",
                        a("Could the net rate come down to ¥1,120?"), h("¥1,120 is too low for us, we would lose money."))),
                c("zh: 870 offered, only going lower is refused", item(ZH, "谢谢王经理！那能不能再降到850元？", h("行吧，870给你们，再低我们就亏了。")),
                        "能不能再降"),
                // Permission to go on is no agreement to a price.
                c("en: Sure, go ahead. is no agreement", item(EN, "Thank you. Nearby hotels are priced even lower: Bund Garden Hotel sells its Deluxe King at ¥1,180.",
                        a("May I share some market data with you?"), h("Sure, go ahead."))),
                c("zh: 好的，您说。 is no agreement", item(ZH, "谢谢王经理。近7天竞品价格更低，全季酒店同款只要899元，您看豪华大床房到手价能否调到880元？",
                        a("王经理，我这边有一些市场数据想跟您同步一下。"), h("好的，您说。"))),
                // Agreement with several prices, each at or below a ticket's target.
                c("en: OK, deal. 740 and 660. then asks lower", item(EN_QUEEN_FAMILY,
                        "Thank you! Before we confirm, could you go a bit lower on the Family Room, say CNY 640?",
                        a("Could you do 750 for the Superior Queen and 680 for the Family Room?"), h("OK, deal. 740 and 660.")), "go a bit lower"),
                c("en: OK, deal. 740 and 660. accepted", item(EN_QUEEN_FAMILY,
                        "Thank you! So CNY 740 for the Superior Queen Room and CNY 660 for the Family Room; please update the extranet.",
                        h("OK, deal. 740 and 660.")))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("press-after-accept", c);
    }
}
