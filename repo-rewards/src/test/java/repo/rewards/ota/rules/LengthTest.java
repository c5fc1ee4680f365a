package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code length}: exactly which findings fire, with their evidence. */
class LengthTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: fine", item(ZH, "王经理您好，豪华大床房到手价能否调到880元？")),
                c("zh: too short", item(ZH, "好"), "好"),
                c("zh: too long", item(ZH, "王".repeat(395) + "经理您好呀呀呀"), "呀呀"),
                c("en: fine", item(EN, "Hi Ms. Chen, could the Deluxe King Room come down to ¥1,150?")),
                c("en: too short", item(EN, " OK "), "OK"),
                c("en: too long", item(EN, "a".repeat(400) + " extra"), " extra"),
                c("configured max", Map.of("max_chars", 20), item(EN, "Hi Ms. Chen, could the rate come down?"), "he rate come down?"),
                c("emoji count as one character", Map.of("max_chars", 5), item(EN, "👍👍👍👍👍"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("length", c);
    }
}
