package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardStack;
import repo.rewards.api.Finding;
import repo.rewards.api.Severity;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.Turn;
import repo.rewards.ota.rules.RuleSet;
import repo.rewards.trace.RewardTrace;

/**
 * The example judge response (a chat-completions body in the exact format an OpenAI-compatible server returns,
 * hand-written: see {@code examples/NOTE.md}) goes through {@link OpenAiJudge} and {@link JudgeResponseParser}
 * from a fake server and gives the expected deductions, with evidence spans in code points after an emoji.
 */
@Timeout(30)
class RecordedJudgeResponseTest {
    static final String FIXTURE = "/repo/rewards/judge/examples/zh-with-rules.chat-completion.json";
    static final String REPLY = "😊王经理，周边酒店那几天基本都满房了，您这边再不降就没客人了。豪华大床房调到420元、标准双床房调到390元，今天能定吗？";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    static String body() throws Exception {
        try (InputStream in = RecordedJudgeResponseTest.class.getResourceAsStream(FIXTURE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static ScoredItem item() {
        return TestData.item(REPLY, Turn.agent("王经理，豪华大床房到手价能否调到420元、标准双床房调到390元？"),
                Turn.hotel("420太低了，我们成本都不够。"));
    }

    static FakeOpenAiServer server(String body) throws Exception {
        return new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.send(ex, 200, body));
    }

    static void assertExpectedFindings(List<Finding> fs) {
        assertThat(fs).extracting(Finding::ruleId).containsExactly("no-empathy", "poor-emotional-value", "unsupported-claim");
        assertThat(fs).extracting(Finding::points).containsExactly(-15.0, -5.0, -15.0);
        assertThat(fs).extracting(Finding::severity).containsExactly(Severity.MEDIUM, Severity.LOW, Severity.HIGH);
        assertThat(fs.get(0).evidence()).isNull(); // an absence has no span
        assertThat(fs.get(0).message()).isEqualTo("酒店刚提出成本不够的异议，回复没有先表示理解就继续施压。");
        // code points: the emoji counts 1 (UTF-16 would put these spans one further right)
        assertThat(fs.get(2).evidence()).isEqualTo(new Finding.Evidence(5, 18, "周边酒店那几天基本都满房了"));
        assertThat(fs.get(1).evidence()).isEqualTo(new Finding.Evidence(19, 30, "您这边再不降就没客人了"));
        assertThat(REPLY.indexOf("周边酒店")).isEqualTo(6);
        int[] cps = REPLY.codePoints().toArray();
        for (Finding f : fs.subList(1, 3)) {
            assertThat(new String(cps, f.evidence().begin(), f.evidence().length())).isEqualTo(f.evidence().text());
        }
    }

    @Test
    void theExampleIsAChatCompletionWhoseAnswerFitsTheSchema() throws Exception {
        JsonNode root = JSON.readTree(body());
        assertThat(root.get("object").asText()).isEqualTo("chat.completion");
        assertThat(root.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        String content = root.at("/choices/0/message/content").asText();
        assertThat(content).startsWith("```json\n").endsWith("\n```");
        JsonNode answer = JSON.readTree(content.substring("```json\n".length(), content.length() - "\n```".length()));
        JsonNode schema = JSON.readTree(Files.readString(JudgeResponseSchemaTest.CONFIGS.resolve("judge-response.with-rules.schema.json")));
        assertThat(MiniJsonSchema.errors(schema, answer)).isEmpty();
    }

    @Test
    void theJudgeParsesItIntoTheExpectedDeductions() throws Exception {
        Rubric rubric = Rubric.builtin("zh").withoutItemsCoveredBy(RuleSet.defaults().ids());
        try (FakeOpenAiServer s = server(body());
             OpenAiJudge judge = new OpenAiJudge(JudgeConfig.OpenAi.defaults(s.baseUrl(), "Qwen/Qwen3-32B", null)
                     .withRetries(0, Duration.ZERO, Duration.ZERO).withCache(false, null), rubric, Map.<String, String>of()::get)) {
            SourceResult r = judge.judge(item());
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(r.value()).isEqualTo(-35);
            assertExpectedFindings(r.findings());
            assertThat(judge.stats().promptTokens()).isEqualTo(1873);
            assertThat(judge.stats().completionTokens()).isEqualTo(248);
            String prompt = JSON.readTree(s.bodies.get(0)).at("/messages/0/content").asText();
            assertThat(prompt).contains("只评判“候选回复”").contains("<<<\n" + REPLY + "\n>>>").doesNotContain("- over-promise (");
        }
    }

    @Test
    void throughTheRewardStackWithLanguageZhAndTheRules() throws Exception {
        try (FakeOpenAiServer s = server(body())) {
            Path yaml = tmp.resolve("judge.yaml");
            Files.writeString(yaml, "backend: openai\nlanguage: zh\nopenai: {base_url: " + s.baseUrl()
                    + ", model: Qwen/Qwen3-32B, max_retries: 0, cache: false}\n");
            try (RewardStack stack = RewardStack.open(PipelineConfig.defaults().withSources(false, true, true), null, yaml,
                    Map.<String, String>of()::get)) {
                RewardTrace t = stack.pipeline().score(List.of(OtaTask.sample(item()))).get(0);
                SourceResult judged = t.source(JudgeSources.JUDGE);
                assertThat(judged.failed()).as(judged.error()).isFalse();
                assertExpectedFindings(judged.findings());
                assertThat(t.combined().eJudge()).isEqualTo(-35);
                RewardTrace back = RewardTrace.fromJson(JSON.readTree(t.toJsonLine()));
                assertExpectedFindings(back.source(JudgeSources.JUDGE).findings());
            }
        }
    }
}
