package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.api.Severity;
import repo.rewards.ota.Turn;

class RubricTest {
    @TempDir Path tmp;

    @Test
    void builtinRubricCoversTheOtaBehaviours() {
        Rubric r = Rubric.builtin();
        assertThat(r.name()).isEqualTo("ota-negotiation");
        assertThat(r.ids()).contains("no-empathy", "press-after-acceptance", "over-promise", "repeated-confirmation",
                "silence-as-consent", "off-sop", "no-negotiation-progress", "poor-emotional-value", "style-issues",
                "cites-competitor-evidence", "offers-alternative", "accepts-acceptable-offer");
        assertThat(r.item("press-after-acceptance").orElseThrow().severity()).isEqualTo(Severity.HIGH);
        assertThat(r.item("press-after-acceptance").orElseThrow().points()).isNegative();
        assertThat(r.item("cites-competitor-evidence").orElseThrow().bonus()).isTrue();
        assertThat(r.promptTemplate().placeholders()).containsExactlyInAnyOrder("rubric", "task", "history", "reply");
    }

    @Test
    void committedFileIsTheBuiltinOne() {
        Path committed = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("configs/judge-rubric.yaml");
        assertThat(Rubric.load(committed).hash()).isEqualTo(Rubric.builtin().hash());
    }

    @Test
    void renderFillsEveryPlaceholderOnceAndNeverExpandsTheReply() {
        Rubric r = TestData.rubric();
        String prompt = r.render(TestData.item("我们的报价是{{task}}", Turn.agent("您好"), Turn.hotel("")));
        assertThat(prompt).contains("- no-empathy (-15, medium): no soothing after an objection")
                .contains("- cites-competitor-evidence (+10, low): cites a competitor price correctly")
                .contains("\"room_type\" : \"豪华大床房\"").contains("\"target_price\" : 420.0")
                .contains("1. AGENT: 您好").contains("2. HOTEL: (no reply)")
                .contains("Reply: 我们的报价是{{task}}")
                .doesNotContain("{{rubric}}").doesNotContain("{{ reply }}");
    }

    @Test
    void placeholderSubstitutionIsLiteral() {
        PromptTemplate t = new PromptTemplate("a {{x}} b {{ y }} c {{x}}");
        assertThat(t.render(Map.of("x", "$1\\", "y", "{{x}}"))).isEqualTo("a $1\\ b {{x}} c $1\\");
        assertThatThrownBy(() -> t.render(Map.of("x", "1"))).hasMessageContaining("{{y}}");
    }

    @Test
    void hashFollowsMeaningNotComments() {
        String withComment = "# a comment\n" + TestData.RUBRIC_YAML;
        assertThat(Rubric.parse(withComment, "a").hash()).isEqualTo(TestData.rubric().hash());
        assertThat(Rubric.parse(TestData.RUBRIC_YAML.replace("points: -25", "points: -30"), "b").hash())
                .isNotEqualTo(TestData.rubric().hash());
    }

    @Test
    void loadNamesTheFileInErrors() throws Exception {
        Path f = tmp.resolve("bad-rubric.yaml");
        Files.writeString(f, TestData.RUBRIC_YAML.replace("id: over-promise", "id: Over_Promise"));
        assertThatThrownBy(() -> Rubric.load(f))
                .hasMessageStartingWith(f + ": items[1].id: 'Over_Promise' is not kebab-case");
    }

    @Test
    void validationErrorsNameTheKey() {
        assertBad(TestData.RUBRIC_YAML.replace("id: over-promise", "id: no-empathy"), "x.yaml: items[1].id: 'no-empathy' appears twice");
        assertBad(TestData.RUBRIC_YAML.replace("points: -25", "points: 0"), "x.yaml: items[1].points: must be non-zero");
        assertBad(TestData.RUBRIC_YAML.replace("points: -25", "points: -250"), "x.yaml: items[1].points: must be non-zero and within");
        assertBad(TestData.RUBRIC_YAML.replace("points: -25", "points: lots"), "x.yaml: items[1].points: expected a number");
        assertBad(TestData.RUBRIC_YAML.replace("severity: high", "severity: critical"), "x.yaml: items[1].severity: 'critical' is not one of");
        assertBad(TestData.RUBRIC_YAML.replace("severity: high", "severity: high\n    weight: 2"), "x.yaml: items[1].weight: unknown key");
        assertBad(TestData.RUBRIC_YAML.replace("    description: guarantees traffic or bookings\n", ""), "x.yaml: items[1].description: is required");
        assertBad(TestData.RUBRIC_YAML.replace("Task: {{task}}", "Task: {{tsak}}"), "x.yaml: prompt_template: uses {{tsak}}");
        assertBad(TestData.RUBRIC_YAML.replace("Reply: {{ reply }}", "Reply:"), "x.yaml: prompt_template: must contain {{reply}} and {{rubric}}");
        assertBad(TestData.RUBRIC_YAML.replace("version: 2", "verison: 2"), "x.yaml: verison: unknown key");
        assertBad("items: [1, 2", "x.yaml: not valid YAML");
        assertBad("- a\n- b\n", "x.yaml: expected a YAML mapping");
    }

    private static void assertBad(String yaml, String messageStart) {
        assertThatThrownBy(() -> Rubric.parse(yaml, "x.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(messageStart);
    }
}
