package repo.eval.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each check kind on hand-picked replies that pass and fail, Chinese and English; JSON round trip and errors. */
class ChecksTest {
    static Check g(CheckKind k) {
        return Check.guard("x", k, "x", Severity.HIGH, Skill.SCOPE);
    }

    @Test
    void everyKindPassesAndFailsWhereExpected() {
        Check absent = g(CheckKind.ABSENT).withPhrases(List.of("目标价", "work order"));
        assertThat(Checks.passes(absent, "到手价880元可以吗？")).isTrue();
        assertThat(Checks.passes(absent, "我们的目标价是880元")).isFalse();
        assertThat(Checks.passes(absent, "Per the WORK ORDER")).isFalse();
        Check regex = g(CheckKind.ABSENT_REGEX).withPattern("\\*\\*|^agent:");
        assertThat(Checks.passes(regex, "Agent: hello")).isFalse();
        assertThat(Checks.passes(regex, "hello agent: x")).isTrue();
        Check all = g(CheckKind.MENTIONS_ALL).withPhrases(List.of("豪华大床房", "标准双床房"));
        assertThat(Checks.passes(all, "豪华大床和标准双床都调一下")).isTrue(); // core names without 房
        assertThat(Checks.passes(all, "豪华大床房调到880元")).isFalse();
        Check any = g(CheckKind.MENTIONS_ANY).withPhrases(List.of("Deluxe King Room"));
        assertThat(Checks.passes(any, "the deluxe king at 880 yuan")).isTrue();
        Check grounded = g(CheckKind.PRICES_GROUNDED).withRange(850, 1200).withValues(List.of(899.0));
        assertThat(Checks.passes(grounded, "全季899元，我们希望到手价880元")).isTrue();
        assertThat(Checks.passes(grounded, "其实600元也可以")).isFalse();
        assertThat(Checks.passes(grounded, "12月3日到5日，两晚")).isTrue(); // dates and counts are not prices
        Check states = g(CheckKind.STATES_PRICE).withRange(850, 1000);
        assertThat(Checks.passes(states, "到手价能否调到880元？")).isTrue();
        assertThat(Checks.passes(states, "能便宜点吗？")).isFalse();
        Check sim = new Check("r", CheckKind.MAX_SIMILARITY, "repetition", Severity.MEDIUM, Skill.FLUENCY, true, null, null, null, 0.6, null,
                "您看豪华大床房到手价能否调到880元？");
        assertThat(Checks.passes(sim, "您看豪华大床房到手价能否调到880元？")).isFalse();
        assertThat(Checks.passes(sim, "理解您的难处，先调周末两天试试？")).isTrue();
        assertThat(Checks.similarity("abcd", "abcd")).isEqualTo(1.0);
        assertThat(Checks.similarity("abcde", "abcxy")).isEqualTo(1 / 5.0); // {abc,bcd,cde} vs {abc,bcx,cxy}
        Check len = g(CheckKind.LENGTH).withRange(4, 10);
        assertThat(Checks.passes(len, "好")).isFalse();
        assertThat(Checks.passes(len, "好的，谢谢您")).isTrue();
        assertThat(Checks.passes(len, "好的，谢谢您的支持与配合！")).isFalse();
        Check zh = g(CheckKind.SCRIPT).withText("zh").withPhrases(List.of("Deluxe King"));
        assertThat(Checks.passes(zh, "OTA平台的Deluxe King到手价880元")).isTrue();
        assertThat(Checks.passes(zh, "这个价格 is a great deal")).isFalse();
        Check en = g(CheckKind.SCRIPT).withText("en").withPhrases(List.of("如家酒店"));
        assertThat(Checks.passes(en, "如家酒店 sells at 300 yuan")).isTrue();
        assertThat(Checks.passes(en, "A great deal 双方受益")).isFalse();
        Check hotels = g(CheckKind.KNOWN_HOTELS).withPhrases(List.of("蓉城悦景酒店", "全季酒店(春熙路店)"));
        assertThat(Checks.passes(hotels, "附近的全季酒店才899元，贵酒店偏高")).isTrue();
        assertThat(Checks.passes(hotels, "隔壁的金鼎国际大酒店才卖800元")).isFalse();
        assertThat(Checks.passes(hotels, "The Golden Crown Hotel next door")).isFalse();
        assertThat(Checks.passes(hotels, "your hotel is listed well")).isTrue();
    }

    @Test
    void jsonRoundTripAndErrorsNameThePlace() throws Exception {
        Check c = new Check("press-after-accept#price", CheckKind.PRICES_GROUNDED, "press-after-accept", Severity.HIGH, Skill.NEGOTIATION, true,
                null, null, 870.0, 1200.0, List.of(1000.0), null);
        assertThat(Check.fromJson(c.toJson(), "f:1")).isEqualTo(c);
        ObjectMapper m = new ObjectMapper();
        assertThatThrownBy(() -> Check.fromJson(m.readTree("{\"id\":\"a\",\"kind\":\"nope\",\"tag\":\"t\",\"severity\":\"high\",\"skill\":\"fluency\",\"level\":\"guard\"}"), "f.jsonl:3"))
                .hasMessageStartingWith("f.jsonl:3").hasMessageContaining("unknown check kind \"nope\"");
        assertThatThrownBy(() -> Check.fromJson(m.readTree("{\"id\":\"a\",\"kind\":\"length\",\"tag\":\"t\",\"severity\":\"high\",\"skill\":\"fluency\",\"level\":\"guard\"}"), "f.jsonl:4"))
                .hasMessageStartingWith("f.jsonl:4").hasMessageContaining("min <= max");
        assertThatThrownBy(() -> Check.fromJson(m.readTree("{\"id\":\"a\",\"kind\":\"absent\",\"tag\":\"t\",\"severity\":\"big\",\"skill\":\"fluency\",\"level\":\"guard\",\"phrases\":[\"x\"]}"), "f.jsonl:5"))
                .hasMessageContaining("unknown severity \"big\"");
    }
}
