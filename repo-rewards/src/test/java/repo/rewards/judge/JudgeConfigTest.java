package repo.rewards.judge;

import repo.rewards.ota.RubricRulesJudge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeConfigTest {
    @TempDir Path tmp;

    static final String OPENAI = """
            backend: openai
            rubric: rubrics/r.yaml
            openai:
              base_url: http://127.0.0.1:8000/v1
              model: qwen3-32b
              api_key_env: DASHSCOPE_API_KEY
              max_tokens: 800
              timeout_ms: 30000
              max_retries: 2
              concurrency: 4
              cache_file: cache/judge.jsonl
              extra_body: {chat_template_kwargs: {enable_thinking: false}}
            """;

    @Test
    void openAiConfigWithDefaultsAndPathsRelativeToTheFile() throws Exception {
        Path f = tmp.resolve("judge.yaml");
        Files.writeString(f, OPENAI);
        JudgeConfig c = JudgeConfig.load(f);
        assertThat(c.backend()).isEqualTo(JudgeBackend.OPENAI);
        assertThat(c.rubric()).isEqualTo(tmp.resolve("rubrics/r.yaml"));
        JudgeConfig.OpenAi o = c.openai();
        assertThat(o.baseUrl().toString()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(o.apiKeyEnv()).isEqualTo("DASHSCOPE_API_KEY");
        assertThat(o.temperature()).isZero();
        assertThat(o.maxTokens()).isEqualTo(800);
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxRetries()).isEqualTo(2);
        assertThat(o.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.concurrency()).isEqualTo(4);
        assertThat(o.cache()).isTrue();
        assertThat(o.cacheFile()).isEqualTo(tmp.resolve("cache/judge.jsonl"));
        assertThat(o.extraBody().at("/chat_template_kwargs/enable_thinking").asBoolean(true)).isFalse();
    }

    @Test
    void localAndOfflineConfigs() {
        JudgeConfig l = JudgeConfig.parse("backend: local\nlocal: {model: /models/q, batch_size: 2}\n", "l.yaml", tmp);
        assertThat(l.local()).isEqualTo(new JudgeConfig.Local(Path.of("/models/q"), "cpu", 1024, 2));
        JudgeConfig off = JudgeConfig.parse("backend: offline_rules\n", "o.yaml", tmp);
        assertThat(off.backend()).isEqualTo(JudgeBackend.OFFLINE_RULES);
        assertThat(off.loadRubric().name()).isEqualTo("ota-negotiation");
    }

    @Test
    void errorsNameTheFileAndKey() {
        bad("backend: gpt\n", "c.yaml: backend: 'gpt' is not one of openai, local, offline_rules");
        bad("backend: openai\n", "c.yaml: judge config: backend openai needs an 'openai' block");
        bad(OPENAI.replace("timeout_ms: 30000", "timeout_ms: soon"), "c.yaml: openai.timeout_ms: expected a positive integer");
        bad(OPENAI.replace("max_retries: 2", "max_retires: 2"), "c.yaml: openai.max_retires: unknown key");
        bad(OPENAI.replace("api_key_env: DASHSCOPE_API_KEY", "api_key_env: sk-abc123"), "c.yaml: openai.api_key_env must be the NAME");
        bad(OPENAI.replace("http://127.0.0.1:8000/v1", "ftp://127.0.0.1:8000/v1"), "c.yaml: openai.base_url must be an http(s) URL");
        bad(OPENAI.replace("concurrency: 4", "concurrency: 0"), "c.yaml: openai.concurrency must be in [1, 1024]");
        bad(OPENAI.replace("extra_body: {chat_template_kwargs: {enable_thinking: false}}", "extra_body: {model: x}"),
                "c.yaml: openai.extra_body must not set 'model'");
        bad("backend: local\nlocal: {batch_size: 2}\n", "c.yaml: local.model: is required");
    }

    @Test
    void factoryBuildsEachBackendOrSaysWhyNot() {
        try (Judge j = JudgeFactory.create(JudgeConfig.offlineRules())) {
            assertThat(j).isInstanceOf(RubricRulesJudge.class);
            assertThat(j.offline()).isTrue();
            assertThat(j.sourceName()).isEqualTo("judge(offline-rules)");
        }
        JudgeConfig c = JudgeConfig.parse(OPENAI.replace("rubric: rubrics/r.yaml\n", ""), "c.yaml", tmp);
        try (Judge j = JudgeFactory.create(c, Map.of("DASHSCOPE_API_KEY", "sk-x")::get)) {
            assertThat(j).isInstanceOf(OpenAiJudge.class);
            assertThat(j.offline()).isFalse();
            assertThat(j.sourceName()).isEqualTo("judge");
        }
        assertThatThrownBy(() -> JudgeFactory.create(c, k -> null)).hasMessageContaining("DASHSCOPE_API_KEY, which is not set");
    }

    private void bad(String yaml, String start) {
        assertThatThrownBy(() -> JudgeConfig.parse(yaml, "c.yaml", tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(start);
    }
}
