package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code cot-leak}: exactly which findings fire, with their evidence. */
class CotLeakTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: think tags", item(ZH, "<think>用户要降价，我应该先共情</think>王经理您好，理解您的顾虑。"), "<think>", "</think>"),
                c("zh: 让我想想", item(ZH, "让我想想，竞品价格是899元，所以可以建议880元。"), "让我想想"),
                c("zh: 作为一个AI", item(ZH, "作为一个AI助手，我建议您把价格调到880元。"), "作为一个AI"),
                c("zh: clean", item(ZH, "王经理，我们考虑一下您的建议，稍后回复您。")),
                c("en: let me think", item(EN, "Let me think step by step: the competitor is at ¥1,180."), "Let me think"),
                c("en: 'I think' is fine", item(EN, "I think ¥1,150 is a fair net rate given Bund Garden Hotel's ¥1,180.")),
                c("en: as an AI", item(EN, "As an AI, I cannot make promises about rankings."), "As an AI"),
                c("custom pattern", Map.of("patterns", java.util.List.of("\\bscratchpad\\b")), item(EN, "Scratchpad: offer 1150."), "Scratchpad")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("cot-leak", c);
    }
}
