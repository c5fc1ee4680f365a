package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Config;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.Turn;
import repo.rewards.judge.server.OpenAiServer;

/**
 * {@code repo serve}'s server over a tiny random checkpoint, on 127.0.0.1 with a real socket: response shapes and
 * token counts, request errors, and the HTTP judge pointed at it (a random model cannot write judge JSON, so every
 * attempt must end as a counted parse failure, never a score and never a crash).
 */
@Timeout(120)
class OpenAiServerIntegrationTest {
    @TempDir static Path tmp;
    static Qwen3Model model;
    static QwenTokenizer tokenizer;
    static OpenAiServer server;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void serveTinyModel() throws Exception {
        Path dir = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), 7, 0.02, false, SafetensorsWriter.Storage.F32);
        model = Qwen3Model.load(dir, ModelOptions.cpu());
        tokenizer = QwenTokenizer.fromDirectory(dir);
        server = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (model != null) {
            model.close();
        }
    }

    record Reply(int status, JsonNode body) {
    }

    static Reply post(String path, String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    static Reply get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void listsTheServedModel() throws Exception {
        assertThat(server.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
        Reply r = get("/models");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("object").asText()).isEqualTo("list");
        assertThat(r.body().at("/data/0/id").asText()).isEqualTo("tiny");
        assertThat(r.body().at("/data/0/object").asText()).isEqualTo("model");
        assertThat(r.body().get("data")).hasSize(1);
    }

    @Test
    void chatCompletionHasTheOpenAiShapeAndExactUsage() throws Exception {
        String req = """
                {"model": "tiny", "messages": [{"role": "system", "content": "你是OTA的BD"},
                 {"role": "user", "content": "您好，标准间今晚多少钱？"}], "max_tokens": 6, "temperature": 0}""";
        Reply r = post("/chat/completions", req);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.get("id").asText()).startsWith("chatcmpl-");
        assertThat(b.get("object").asText()).isEqualTo("chat.completion");
        assertThat(b.get("created").asLong()).isPositive();
        assertThat(b.get("model").asText()).isEqualTo("tiny");
        assertThat(b.get("choices")).hasSize(1);
        JsonNode c = b.at("/choices/0");
        assertThat(c.get("index").asInt()).isZero();
        assertThat(c.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(c.at("/message/content").isTextual()).isTrue();
        assertThat(c.get("finish_reason").asText()).isIn("stop", "length");
        String prompt = new ChatFormat().render(List.of(Message.system("你是OTA的BD"), Message.user("您好，标准间今晚多少钱？")), true, false);
        int promptTokens = tokenizer.encode(prompt).length;
        JsonNode u = b.get("usage");
        assertThat(u.get("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(u.get("completion_tokens").asInt()).isBetween(1, 6);
        assertThat(u.get("total_tokens").asInt()).isEqualTo(promptTokens + u.get("completion_tokens").asInt());
        if (c.get("finish_reason").asText().equals("length")) {
            assertThat(u.get("completion_tokens").asInt()).isEqualTo(6);
        }
        // greedy is deterministic
        assertThat(post("/chat/completions", req).body().at("/choices/0/message/content").asText())
                .isEqualTo(c.at("/message/content").asText());
    }

    @Test
    void thinkingIsOffByDefaultAndFollowsChatTemplateKwargs() throws Exception {
        String base = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 1, \"temperature\": 0";
        int off = post("/chat/completions", base + "}").body().at("/usage/prompt_tokens").asInt();
        int on = post("/chat/completions", base + ", \"chat_template_kwargs\": {\"enable_thinking\": true}}").body()
                .at("/usage/prompt_tokens").asInt();
        assertThat(off).isEqualTo(tokenizer.encode(new ChatFormat().render(List.of(Message.user("hi")), true, false)).length);
        assertThat(on).isEqualTo(tokenizer.encode(new ChatFormat().render(List.of(Message.user("hi")), true, true)).length);
        assertThat(on).isLessThan(off); // no empty <think></think> block
    }

    @Test
    void seededSamplingRepeatsAndStopStringsCut() throws Exception {
        String req = "{\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], \"max_tokens\": 8, \"temperature\": 0.9,"
                + " \"top_p\": 0.95, \"top_k\": 50, \"seed\": 123}";
        Reply a = post("/chat/completions", req), b = post("/chat/completions", req);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().at("/choices/0/message/content")).isEqualTo(b.body().at("/choices/0/message/content"));
        String text = a.body().at("/choices/0/message/content").asText();
        if (text.length() >= 2) {
            String stop = text.substring(1, 2);
            Reply s = post("/chat/completions", req.replace("\"seed\": 123", "\"seed\": 123, \"stop\": [\"" + JSON.writeValueAsString(stop)
                    .replace("\"", "") + "\"]"));
            assertThat(s.body().at("/choices/0/message/content").asText()).doesNotContain(stop);
            assertThat(s.body().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void completionTakesARawPrompt() throws Exception {
        Reply r = post("/completions", "{\"model\": \"tiny\", \"prompt\": \"酒店价格\", \"max_tokens\": 3, \"temperature\": 0}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.get("id").asText()).startsWith("cmpl-");
        assertThat(b.get("object").asText()).isEqualTo("text_completion");
        assertThat(b.at("/choices/0/text").isTextual()).isTrue();
        assertThat(b.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
        assertThat(b.at("/usage/prompt_tokens").asInt()).isEqualTo(tokenizer.encode("酒店价格").length);
        assertThat(b.at("/usage/total_tokens").asInt())
                .isEqualTo(b.at("/usage/prompt_tokens").asInt() + b.at("/usage/completion_tokens").asInt());
    }

    @Test
    void badRequestsGetOpenAiErrors() throws Exception {
        assertError(post("/chat/completions", "{not json"), 400, "not valid JSON");
        assertError(post("/chat/completions", "{\"messages\": []}"), 400, "'messages' must be a non-empty list");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"boss\", \"content\": \"x\"}]}"), 400, "messages[0].role");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stream\": true}"), 400, "stream");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"n\": 2}"), 400, "n=1");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": 5}"), 400, "'temperature'");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 0}"), 400, "'max_tokens'");
        assertError(post("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 50000}"),
                400, "maximum context length is 40960");
        assertError(post("/chat/completions", "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"),
                404, "'gpt-4o' does not exist");
        assertError(post("/completions", "{\"prompt\": 5}"), 400, "'prompt' must be a non-empty string");
        assertError(get("/chat/completions"), 405, "use POST");
        assertError(get("/embeddings"), 404, "no route");
    }

    private static void assertError(Reply r, int status, String message) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().at("/error/message").asText()).contains(message);
        assertThat(r.body().at("/error/type").asText()).isNotBlank();
        assertThat(r.body().get("choices")).isNull();
    }

    @Test
    void httpJudgeAgainstARandomModelRecordsParseFailuresWithTheConfiguredRetries() throws Exception {
        JudgeConfig.OpenAi cfg = JudgeConfig.OpenAi.defaults(server.baseUrl(), "tiny", "REPO_IT_KEY")
                .withRetries(2, Duration.ofMillis(5), Duration.ofMillis(20)).withMaxTokens(8).withTimeout(Duration.ofSeconds(60));
        int before = server.served();
        try (OpenAiJudge judge = new OpenAiJudge(cfg, TestData.rubric(), Map.of("REPO_IT_KEY", "sk-local-it")::get)) {
            SourceResult r = judge.judge(TestData.item("王经理您好，降到420元可以吗？", Turn.agent("您好"), Turn.hotel("你说")));
            assertThat(r.failed()).isTrue();
            assertThat(r.value()).isNaN();
            assertThat(r.source()).isEqualTo("judge");
            assertThat(r.error()).startsWith("[parse] judge failed after 3 attempts: judge answer rejected");
            JudgeStats st = judge.stats();
            assertThat(st.attempts()).isEqualTo(3);
            assertThat(st.retries()).isEqualTo(2);
            assertThat(st.failures(FailureKind.PARSE)).isEqualTo(1);
            assertThat(st.attemptFailuresByKind()).isEqualTo(Map.of(FailureKind.PARSE, 3L));
            assertThat(st.promptTokens()).isPositive();
            assertThat(st.completionTokens()).isBetween(3L, 24L);
            assertThat(st.cacheHits()).isZero();
        }
        assertThat(server.served() - before).isEqualTo(3);
    }

    @Test
    void localJudgeOnTheSameCheckpointFailsAsParseWithoutThrowing() throws Exception {
        // run from a fresh thread: grad mode there is on by default, and the judge must switch it off itself
        SourceResult[] out = new SourceResult[2];
        Thread t = new Thread(() -> {
            try (LocalJudge j = new LocalJudge(TestData.rubric(), new QwenJudgeModel(model, tokenizer, 6, false), 2, null)) {
                List<SourceResult> rs = j.judgeAll(List.of(TestData.item("您好"), TestData.item(TestData.PROMISE_REPLY)));
                out[0] = rs.get(0);
                out[1] = rs.get(1);
                assertThat(j.stats().failures(FailureKind.PARSE)).isEqualTo(2);
            }
        });
        t.start();
        t.join(60_000);
        assertThat(out).allSatisfy(r -> {
            assertThat(r.failed()).isTrue();
            assertThat(r.error()).startsWith("[parse] judge answer rejected");
        });
    }
}
