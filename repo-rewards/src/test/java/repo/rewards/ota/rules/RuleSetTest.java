package repo.rewards.ota.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static repo.rewards.ota.rules.Fixtures.EN;
import static repo.rewards.ota.rules.Fixtures.ZH;
import static repo.rewards.ota.rules.Fixtures.item;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;

class RuleSetTest {
    @TempDir Path tmp;

    private Path yaml(String text) throws Exception {
        Path f = tmp.resolve("rules.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsHaveEveryBuiltInRuleThenTheCustomOne() {
        RuleSet rules = RuleSet.defaults();
        List<String> want = new ArrayList<>(RuleSet.BUILT_IN_IDS);
        want.add("forbidden-word");
        assertThat(rules.ids()).containsExactlyElementsOf(want);
    }

    @Test
    void sourceValueIsTheSumOfAllFindings() {
        SourceResult r = RuleSet.defaults().evaluate(item(ZH, "亲，我们系统里这个工单的目标价是880元。"));
        assertThat(r.source()).isEqualTo("rules");
        assertThat(r.failed()).isFalse();
        assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("internal-term-leak", "internal-term-leak", "forbidden-word");
        assertThat(r.value()).isEqualTo(-50 - 50 - 5);
        assertThat(RuleSet.defaults().evaluate(item(EN, "Hi Ms. Chen, could the Deluxe King Room come down to ¥1,150?")).value()).isZero();
    }

    @Test
    void customRuleIsConfiguredLikeABuiltInOne() throws Exception {
        RuleSet rules = RuleSet.load(yaml("rules:\n  forbidden-word: {words: [亲爱的], points: -7, severity: medium}\n"));
        SourceResult r = rules.evaluate(item(ZH, "亲爱的王经理，您好。"));
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("forbidden-word");
            assertThat(f.points()).isEqualTo(-7);
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence().text()).isEqualTo("亲爱的");
        });
    }

    @Test
    void blocksOverrideOnlyTheirKeysAndCanDisable() throws Exception {
        RuleSet rules = RuleSet.load(yaml("""
                rules:
                  internal-term-leak: {points: -70, max_findings: 1}
                  format: {enabled: false}
                  length:
                    max_chars: 10
                """));
        assertThat(rules.ids()).doesNotContain("format").contains("length", "internal-term-leak");
        SourceResult r = rules.evaluate(item(ZH, "## 工单目标价底价"));
        assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("internal-term-leak");
        assertThat(r.value()).isEqualTo(-70);
        SourceResult longOne = rules.evaluate(item(ZH, "王经理您好，豪华大床房到手价能否调到880元？"));
        assertThat(longOne.findings()).extracting(Finding::ruleId).containsExactly("length");
        assertThat(longOne.findings().get(0).severity()).isEqualTo(Severity.LOW);
    }

    @Test
    void unknownRuleIdListsTheKnownOnes() throws Exception {
        Path f = yaml("rules:\n  price-grouding: {points: -10}\n");
        assertThatThrownBy(() -> RuleSet.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": rules.price-grouding: unknown rule id 'price-grouding'; known rule ids: internal-term-leak, price-grounding,")
                .hasMessageContaining("forbidden-word");
    }

    @Test
    void unknownParameterNamesItAndTheRule() throws Exception {
        Path f = yaml("rules:\n  length: {maxchars: 10}\n");
        assertThatThrownBy(() -> RuleSet.load(f))
                .hasMessage(f + ": rules.length.maxchars: unknown parameter for rule 'length'; known parameters: "
                        + "enabled, points, severity, max_findings, min_chars, max_chars");
    }

    @Test
    void wrongTypesNameKeyAndExpectedType() throws Exception {
        Path f = yaml("rules:\n  length: {max_chars: abc}\n");
        assertThatThrownBy(() -> RuleSet.load(f)).hasMessage(f + ": rules.length.max_chars: expected an integer, got the string \"abc\"");
        Path g = yaml("rules:\n  price-grounding: {severity: critical}\n");
        assertThatThrownBy(() -> RuleSet.load(g)).hasMessage(g + ": rules.price-grounding.severity: expected one of low, medium, high, got the string \"critical\"");
        Path h = yaml("rules:\n  cot-leak: {enabled: 1}\n");
        assertThatThrownBy(() -> RuleSet.load(h)).hasMessage(h + ": rules.cot-leak.enabled: expected true or false, got 1");
        Path i = yaml("rules:\n  internal-term-leak: {terms: 工单}\n");
        assertThatThrownBy(() -> RuleSet.load(i)).hasMessage(i + ": rules.internal-term-leak.terms: expected a list of strings, got the string \"工单\"");
        Path j = yaml("rules:\n  cot-leak: {patterns: ['(unclosed']}\n");
        assertThatThrownBy(() -> RuleSet.load(j)).hasMessageStartingWith(j + ": rules.cot-leak.patterns: not a valid regular expression: (unclosed");
        Path k = yaml("rules:\n  length: {min_chars: 50, max_chars: 10}\n");
        assertThatThrownBy(() -> RuleSet.load(k)).hasMessage(k + ": rules.length: need 0 <= min_chars <= max_chars, got 50 and 10");
        Path l = yaml("rulez: {}\n");
        assertThatThrownBy(() -> RuleSet.load(l)).hasMessage(l + ": rulez: unknown key; a rules file holds only \"rules\"");
    }

    @Test
    void aRuleThatThrowsIsABugThatPropagatesNamingTheRule() {
        RuleSet broken = new RuleSet(List.of(new RuleSet.ConfiguredRule("boom", it -> {
            throw new IllegalStateException("bug");
        }, 3)));
        assertThatThrownBy(() -> broken.evaluate(item(ZH, "您好"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rule boom threw").hasRootCauseMessage("bug");
    }

    @Test
    void maxFindingsCapsOneRule() {
        SourceResult r = RuleSet.defaults().evaluate(item(ZH, "工单、工单、工单、工单、工单"));
        assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("internal-term-leak", "internal-term-leak", "internal-term-leak");
    }
}
