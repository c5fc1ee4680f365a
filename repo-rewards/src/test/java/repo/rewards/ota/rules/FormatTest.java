package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code format}: exactly which findings fire, with their evidence. */
class FormatTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: heading", item(ZH, "## 调价建议\n豪华大床房到手价调到880元"), "## 调价建议"),
                c("zh: bullets and bold", item(ZH, "王经理：\n- 全季酒店899元\n- **亚朵酒店950元**"), "- 全季酒店899元", "- **亚朵酒店950元**",
                        "**亚朵酒店950元**"),
                c("zh: clean", item(ZH, "王经理您好！豪华大床房到手价调到880元，您看可以吗？")),
                c("zh: role tag", item(ZH, "客服：王经理您好，豪华大床房能否调到880元？"), "客服："),
                c("en: role tag", item(EN, "Agent: Hi Ms. Chen, could the Deluxe King Room come down to ¥1,150?"), "Agent:"),
                c("en: chat-template token", item(EN, "<|im_start|>assistant\nHello Ms. Chen."), "<|im_start|>"),
                c("en: dash and colon in prose", item(EN, "Hi Ms. Chen - quick question: could the Deluxe King Room come down to ¥1,150?")),
                c("en: code fences", item(EN, "```\nrate: 1150\n```"), "```", "```"),
                c("en: table", item(EN, "| Room | Rate |\n| Deluxe King | 1150 |"), "| Room | Rate |", "| Deluxe King | 1150 |")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("format", c);
    }
}
