package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code mixed-language}: exactly which findings fire, with their evidence. */
class MixedLanguageTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: English phrase inside", item(ZH, "王经理，我们可以 discuss a little 关于价格的问题。"), "discuss a little"),
                c("zh: allowed acronyms", item(ZH, "您在OTA平台的App上曝光下降了，VIP客人也少了。")),
                c("zh: a single English word", item(ZH, "这个deal您看怎么样？")),
                c("zh: long English sentence", item(ZH, "王经理，价格方面 we really need your support on this 谢谢。"), "we really need your support on this"),
                c("en: Chinese term inside", item(EN, "Could you lower the 到手价 for the Deluxe King Room to ¥1,150?"), "到手价"),
                c("en: task names are fine", item(ZH, "Could the 豪华大床房 at 蓉城悦景酒店 come down to ¥880?")),
                c("en: single 元", item(EN, "Thanks, we'll update the rate to ¥1,150 (1150元) for the Deluxe King Room.")),
                c("en: clean", item(EN, "Hi Ms. Chen, Bund Garden Hotel is at ¥1,180 for a Deluxe King."))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("mixed-language", c);
    }
}
