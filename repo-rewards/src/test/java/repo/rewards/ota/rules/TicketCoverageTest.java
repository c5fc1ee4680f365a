package repo.rewards.ota.rules;

import static repo.rewards.ota.rules.Fixtures.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test of {@code ticket-coverage}: exactly which findings fire, with their evidence. */
class TicketCoverageTest {
    static Stream<Case> cases() {
        return Stream.of(
                c("zh: proposal names one of two rooms", item(ZH_MULTI, "王经理，豪华大床房能否调到880元？"), "missing:高级双床房"),
                c("zh: proposal names both", item(ZH_MULTI, "王经理，豪华大床房调到880元、高级双床房调到760元，您看可以吗？")),
                c("zh: greeting is out of scope", item(ZH_MULTI, "王经理您好，我是OTA平台负责贵酒店的BD小李。")),
                c("zh: confirmation names one", item(ZH_MULTI, "好的，我确认一下：豪华大床房到手价880元。"), "missing:高级双床房"),
                c("zh: single-ticket task", item(ZH, "王经理，豪华大床房能否调到880元？")),
                c("zh: explicit stage 3 is out of scope", withExtra(item(ZH_MULTI, "全季酒店豪华大床房才899元，您看能否调到880元？"), "sop_stage", 3)),
                c("en: confirmation names one", item(EN_MULTI, "To confirm: the Deluxe King is updated to ¥1,150 net."), "missing:Executive Twin Room"),
                c("en: proposal names both", item(EN_MULTI, "Could you bring the Deluxe King to ¥1,150 and the Executive Twin to ¥1,300?")),
                c("en: stage 5 configured in", Map.of("stages", java.util.List.of(5)),
                        withExtra(item(EN_MULTI, "I understand. Maybe a smaller cut on the Executive Twin only?"), "sop_stage", 5), "missing:Deluxe King Room")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findings(Case c) {
        check("ticket-coverage", c);
    }
}
