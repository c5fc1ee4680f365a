package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code repetition}: exactly which findings fire, with their evidence. */
class RepetitionTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: near-verbatim repeat", item(ZH, "王经理，全季酒店同款豪华大床房才899元，您看到手价能不能调整到880元？",
                        a("王经理，全季酒店同款豪华大床房才899元，您看到手价能否调整到880元？"), h("我再看看。")),
                        "王经理，全季酒店同款豪华大床房才899元，您看到手价能不能调整到880元？"),
                c("zh: new content", item(ZH, "理解您的顾虑，如果只调12月1日和2日两晚，您看可以吗？",
                        a("王经理您好，我是OTA平台的BD小李。"), h("你好，什么事？"))),
                c("zh: confirms an already confirmed price", item(ZH, "好的，再跟您确认一下，豪华大床房到手价是880元哈。",
                        a("跟您确认一下，豪华大床房到手价880元，对吗？"), h("对的。")), "确认一下，豪华大床房到手价是880元"),
                c("zh: short acknowledgements are not repetition", item(ZH, "好的。", a("好的。"), h("嗯。"))),
                c("en: verbatim repeat", item(EN, "Bund Garden Hotel sells the Deluxe King at ¥1,180; could you match ¥1,150?",
                        a("Bund Garden Hotel sells the Deluxe King at ¥1,180; could you match ¥1,150?"), h("Hmm.")),
                        "Bund Garden Hotel sells the Deluxe King at ¥1,180; could you match ¥1,150?"),
                c("en: different content", item(EN, "I understand. Would two nights instead of three work for you?",
                        a("Bund Garden Hotel sells the Deluxe King at ¥1,180; could you match ¥1,150?"), h("That's too low for us."))),
                c("en: reconfirmation", item(EN, "Thanks! Let me confirm once more: ¥1,150 net for the Deluxe King Room.",
                        a("Just to confirm, the Deluxe King Room net rate will be ¥1,150 from December 1."), h("Yes, confirmed.")),
                        "confirm once more: ¥1,150"),
                c("en: first confirmation is fine", item(EN, "Just to confirm, the Deluxe King Room net rate will be ¥1,150 from December 1.",
                        a("Could the Deluxe King Room come down to ¥1,150?"), h("OK, ¥1,150 is fine.")))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("repetition", c);
    }
}
