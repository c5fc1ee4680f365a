package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.RewardStack;
import repo.rewards.api.Finding;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.RubricRulesJudge;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;
import repo.rewards.ota.rules.RuleSet;
import repo.rewards.trace.RewardTrace;

/**
 * With an LLM judge and the rules on together, a rubric item that restates a rule ({@code covered_by_rule}) is not
 * asked, so a reply that breaks that guardrail loses points once (the rule's deduction), not twice. The judge is a
 * scripted OpenAI-compatible endpoint that answers every item it is shown, and says "hit" for over-promise.
 */
@Timeout(30)
class JudgeRuleOverlapTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern RUBRIC_LINE = Pattern.compile("(?m)^- ([a-z0-9-]+) \\(");
    static final String REPLY = "王经理您好，豪华大床房到手价调到420元，我们保证订单翻倍。";

    @TempDir Path tmp;

    static ScoredItem item() {
        TaskInfo task = new TaskInfo(new TaskInfo.Hotel("西湖花园酒店", 4, "杭州"),
                List.of(new TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 520, 460, 420, 400)), List.of(), null, null, null, null);
        return new ScoredItem("o1", task, List.of(Turn.agent("王经理您好，我是OTA的小李。"), Turn.hotel("你好，什么事？")), REPLY, null);
    }

    /** Answers every rubric item listed in the prompt; over-promise (when asked) is a hit quoting 保证. */
    static FakeOpenAiServer judgeServer() throws Exception {
        return new FakeOpenAiServer((ex, i) -> {
            String prompt = JSON.readTree(FakeOpenAiServer.body()).at("/messages/0/content").asText();
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode items = answer.putArray("items");
            Matcher m = RUBRIC_LINE.matcher(prompt);
            while (m.find()) {
                boolean hit = m.group(1).equals("over-promise");
                items.addObject().put("id", m.group(1)).put("hit", hit).put("evidence", hit ? "保证订单翻倍" : "")
                        .put("reason", hit ? "guarantees bookings" : "not shown");
            }
            answer.put("comment", "scripted");
            FakeOpenAiServer.ok(ex, answer.toString());
        });
    }

    Path judgeYaml(FakeOpenAiServer s) throws Exception {
        Path f = tmp.resolve("judge.yaml");
        Files.writeString(f, "backend: openai\nopenai: {base_url: " + s.baseUrl() + ", model: judge-m, max_retries: 0, cache: false}\n");
        return f;
    }

    static List<Finding> overPromise(RewardTrace t) {
        List<Finding> out = new ArrayList<>();
        for (SourceResult s : t.sources()) {
            s.findings().stream().filter(f -> f.ruleId().equals("over-promise")).forEach(out::add);
        }
        return out;
    }

    @Test
    void withTheRulesOnTheJudgeIsNotAskedWhatARuleChecks() throws Exception {
        try (FakeOpenAiServer s = judgeServer();
             RewardStack stack = RewardStack.open(PipelineConfig.defaults().withSources(false, true, true), null, judgeYaml(s), Map.<String, String>of()::get)) {
            assertThat(stack.judgeItemsLeftToRules()).containsExactly("press-after-acceptance", "over-promise", "repeated-confirmation",
                    "silence-as-consent", "style-issues", "ignores-other-tickets");
            assertThat(stack.describe()).contains("judge: on (rubric items left to the rules: press-after-acceptance, over-promise,");
            RewardTrace t = stack.pipeline().score(List.of(OtaTask.sample(item()))).get(0);
            String prompt = JSON.readTree(s.bodies.get(0)).at("/messages/0/content").asText();
            assertThat(prompt).doesNotContain("- over-promise (").contains("- no-empathy (").contains("- unsupported-claim (");
            assertThat(overPromise(t)).singleElement().satisfies(f -> {
                assertThat(f.points()).isEqualTo(-40);              // the rule's deduction, once
                assertThat(f.evidence().text()).contains("保证");
            });
            assertThat(t.source(JudgeSources.JUDGE).failed()).as(t.source(JudgeSources.JUDGE).error()).isFalse();
            assertThat(t.source(JudgeSources.JUDGE).findings()).isEmpty();
            assertThat(t.combined().eJudge()).isZero();
            assertThat(t.combined().eFunc()).isEqualTo(-40);
        }
    }

    @Test
    void withoutTheRulesTheJudgeAssessesTheItemItself() throws Exception {
        try (FakeOpenAiServer s = judgeServer();
             RewardStack stack = RewardStack.open(PipelineConfig.defaults().withSources(false, true, false), null, judgeYaml(s), Map.<String, String>of()::get)) {
            assertThat(stack.judgeItemsLeftToRules()).isEmpty();
            RewardTrace t = stack.pipeline().score(List.of(OtaTask.sample(item()))).get(0);
            assertThat(JSON.readTree(s.bodies.get(0)).at("/messages/0/content").asText()).contains("- over-promise (");
            assertThat(overPromise(t)).singleElement().satisfies(f -> assertThat(f.points()).isEqualTo(-25)); // the judge's, once
            assertThat(t.combined().eJudge()).isEqualTo(-25);
        }
    }

    /** What the covered items prevent: the full rubric beside the rules charges the same breach twice. */
    @Test
    void theFullRubricBesideTheRulesWouldCountTheBreachTwice() throws Exception {
        try (FakeOpenAiServer s = judgeServer();
             OpenAiJudge judge = new OpenAiJudge(JudgeConfig.OpenAi.defaults(s.baseUrl(), "judge-m", null).withRetries(0,
                     java.time.Duration.ZERO, java.time.Duration.ZERO).withCache(false, null), Rubric.builtin(), Map.<String, String>of()::get)) {
            RewardPipeline p = RewardPipeline.of(PipelineConfig.defaults().withSources(false, true, true), null,
                    OtaTask.judgeSource(PipelineConfig.JUDGE, judge));
            RewardTrace t = p.score(List.of(OtaTask.sample(item()))).get(0);
            assertThat(overPromise(t)).hasSize(2).extracting(Finding::points).containsExactly(-25.0, -40.0);
        }
    }

    @Test
    void anyActiveRuleOfAnItemLeavesItToTheRules() {
        Rubric r = Rubric.builtin();
        assertThat(r.withoutItemsCoveredBy(List.of("format")).ids()).doesNotContain("style-issues").contains("over-promise");
        assertThat(r.withoutItemsCoveredBy(List.of("mixed-language")).ids()).doesNotContain("style-issues");
        assertThat(r.withoutItemsCoveredBy(List.of("hallucinated-fact", "price-grounding"))).isSameAs(r); // no item restates them
        assertThat(r.withoutItemsCoveredBy(List.of()).hash()).isEqualTo(r.hash());
        assertThat(r.withoutItemsCoveredBy(RuleSet.BUILT_IN_IDS).hash()).isNotEqualTo(r.hash()); // no cached answer reused
        Rubric one = Rubric.parse(TestData.RUBRIC_YAML.replace("    points: -15\n    severity: medium\n",
                "    points: -15\n    severity: medium\n    covered_by_rule: a\n").replace("    points: -25\n    severity: high\n",
                "    points: -25\n    severity: high\n    covered_by_rule: a\n").replace("    points: 10\n    severity: low\n",
                "    points: 10\n    severity: low\n    covered_by_rule: a\n"), "all.yaml");
        assertThatThrownBy(() -> one.withoutItemsCoveredBy(List.of("a"))).hasMessageContaining("every item is covered by an active rule");
    }

    @Test
    void theOfflineJudgeLeavesTheSameItemsToTheRules() {
        List<String> covered = Rubric.builtin().items().stream().filter(i -> !i.coveredByRules().isEmpty()).map(RubricItem::id).toList();
        assertThat(RubricRulesJudge.LEFT_TO_RULES).containsExactlyInAnyOrderElementsOf(covered);
    }
}
