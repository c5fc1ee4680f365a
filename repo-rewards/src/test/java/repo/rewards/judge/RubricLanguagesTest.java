package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.Turn;
import repo.rewards.ota.rules.RuleSet;

/** The built-in rubric in English and Chinese: same items, both render, selectable by the judge config. */
class RubricLanguagesTest {
    static final Path CONFIGS = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("configs");

    @Test
    void committedChineseFileIsTheBuiltinOne() {
        assertThat(Rubric.load(CONFIGS.resolve("judge-rubric.zh.yaml")).hash()).isEqualTo(Rubric.builtin("zh").hash());
        assertThat(Rubric.builtin("en").hash()).isEqualTo(Rubric.builtin().hash());
    }

    @Test
    void bothLanguagesHaveTheSameItemsInTheSameOrder() {
        Rubric en = Rubric.builtin("en"), zh = Rubric.builtin("zh");
        assertThat(zh.name()).isEqualTo(en.name());
        assertThat(zh.version()).isEqualTo(en.version());
        assertThat(zh.ids()).containsExactlyElementsOf(en.ids());
        for (RubricItem e : en.items()) {
            RubricItem z = zh.item(e.id()).orElseThrow();
            assertThat(z.points()).as(e.id()).isEqualTo(e.points());
            assertThat(z.severity()).as(e.id()).isEqualTo(e.severity());
            assertThat(z.coveredByRules()).as(e.id()).isEqualTo(e.coveredByRules());
            assertThat(z.description()).as(e.id()).isNotEqualTo(e.description()).containsPattern("\\p{IsHan}");
        }
        assertThat(zh.hash()).isNotEqualTo(en.hash());
    }

    @Test
    void bothRenderEveryPlaceholderAndTheReplyBlock() {
        ScoredItem item = TestData.item("王经理，降到420元我们保证订单翻倍。", Turn.agent("您好，我是OTA的小李。"), Turn.hotel(""));
        for (String lang : Rubric.LANGUAGES) {
            Rubric r = Rubric.builtin(lang);
            String prompt = r.render(item);
            assertThat(prompt).as(lang).doesNotContain("{{").contains("<<<\n王经理，降到420元我们保证订单翻倍。\n>>>")
                    .contains("\"room_type\" : \"豪华大床房\"").contains("1. AGENT: 您好，我是OTA的小李。").contains("2. HOTEL: (no reply)")
                    .contains("\"items\"").contains("\"hit\"").contains("\"evidence\"").contains("\"comment\"");
            for (RubricItem it : r.items()) {
                assertThat(prompt).as(lang).contains("- " + it.id() + " (");
            }
        }
        assertThat(Rubric.builtin("zh").render(item)).contains("只评判“候选回复”").contains("评分项").doesNotContain("Judge ONLY");
        assertThat(Rubric.builtin("en").render(item)).contains("Judge ONLY the candidate reply");
    }

    @Test
    void withTheRulesOnBothLanguagesLeaveTheSameItemsToThem() {
        Rubric en = Rubric.builtin("en").withoutItemsCoveredBy(RuleSet.BUILT_IN_IDS);
        Rubric zh = Rubric.builtin("zh").withoutItemsCoveredBy(RuleSet.BUILT_IN_IDS);
        assertThat(zh.ids()).containsExactlyElementsOf(en.ids()).containsExactly("no-empathy", "off-sop", "no-negotiation-progress",
                "poor-emotional-value", "unsupported-claim", "cites-competitor-evidence", "offers-alternative", "accepts-acceptable-offer");
        String prompt = zh.render(TestData.item("王经理您好"));
        assertThat(prompt).doesNotContain("- over-promise (").contains("- no-empathy (");
    }

    @Test
    void theJudgeConfigSelectsTheLanguage() {
        assertThat(JudgeConfig.parse("backend: offline_rules\nlanguage: zh\n", "j.yaml", CONFIGS).loadRubric().hash())
                .isEqualTo(Rubric.builtin("zh").hash());
        assertThat(JudgeConfig.parse("backend: offline_rules\n", "j.yaml", CONFIGS).loadRubric().hash())
                .isEqualTo(Rubric.builtin("en").hash());
        assertThat(JudgeConfig.parse("backend: offline_rules\nrubric: judge-rubric.zh.yaml\n", "j.yaml", CONFIGS).loadRubric().hash())
                .isEqualTo(Rubric.builtin("zh").hash());
        assertThatThrownBy(() -> JudgeConfig.parse("backend: offline_rules\nlanguage: fr\n", "j.yaml", CONFIGS))
                .hasMessage("j.yaml: language: 'fr' has no built-in rubric; expected one of en, zh");
        assertThatThrownBy(() -> JudgeConfig.parse("backend: offline_rules\nlanguage: zh\nrubric: judge-rubric.yaml\n", "j.yaml", CONFIGS))
                .hasMessageStartingWith("j.yaml: language: selects a built-in rubric; a rubric file is given too");
        assertThatThrownBy(() -> Rubric.builtin("de")).hasMessageContaining("expected one of en, zh");
    }

    @Test
    void coveredByRuleIsValidatedAndNamesBuiltInRules() {
        for (RubricItem it : Rubric.builtin().items()) {
            assertThat(RuleSet.BUILT_IN_IDS).as(it.id()).containsAll(it.coveredByRules());
        }
        String yaml = TestData.RUBRIC_YAML.replace("    severity: high\n", "    severity: high\n    covered_by_rule: Over_Promise\n");
        assertThatThrownBy(() -> Rubric.parse(yaml, "x.yaml"))
                .hasMessageStartingWith("x.yaml: items[1].covered_by_rule: 'Over_Promise' is not a rule id");
        String list = TestData.RUBRIC_YAML.replace("    severity: high\n", "    severity: high\n    covered_by_rule: [over-promise, format]\n");
        assertThat(Rubric.parse(list, "x.yaml").item("over-promise").orElseThrow().coveredByRules()).containsExactly("over-promise", "format");
        assertThat(Rubric.parse(list, "x.yaml").hash()).isNotEqualTo(TestData.rubric().hash());
    }
}
