package repo.rewards.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;
import repo.rewards.ota.Turn;

/** {@link OpenAiJudge} against a scripted endpoint on 127.0.0.1: one test per server behaviour. */
@Timeout(30)
class OpenAiJudgeTest {
    static final String KEY = "sk-test-7f3a9c1e-SECRET";
    static final String KEY_ENV = "REPO_TEST_JUDGE_KEY";
    static final Logger JUL = Logger.getLogger("repo.rewards.judge"); // held: JUL keeps loggers weakly

    @TempDir Path tmp;
    final List<String> logs = new CopyOnWriteArrayList<>();
    final List<SourceResult> results = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logs.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        JUL.setLevel(Level.ALL);
        JUL.addHandler(capture);
    }

    /** The key must never leave through a result, a failure reason or a log line, in any scenario. */
    @AfterEach
    void keyNeverLeaks() {
        JUL.removeHandler(capture);
        assertThat(logs).isNotEmpty().noneMatch(l -> l.contains(KEY));
        for (SourceResult r : results) {
            assertThat(r.toString()).doesNotContain(KEY);
        }
    }

    JudgeConfig.OpenAi config(FakeOpenAiServer s) {
        return JudgeConfig.OpenAi.defaults(s.baseUrl(), "judge-m", KEY_ENV)
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(2000))
                .withTimeout(Duration.ofSeconds(5));
    }

    OpenAiJudge judge(JudgeConfig.OpenAi cfg) {
        return new OpenAiJudge(cfg, TestData.rubric(), Map.of(KEY_ENV, KEY)::get);
    }

    SourceResult judgeOne(OpenAiJudge j, ScoredItem item) {
        SourceResult r = j.judge(item);
        results.add(r);
        return r;
    }

    static ScoredItem item() {
        return TestData.item(TestData.PROMISE_REPLY, Turn.agent("王经理您好，我是OTA的小李。"), Turn.hotel("你好，什么事？"));
    }

    @Test
    void validAnswerIsScoredAndTheKeyIsSentAsBearer() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.ok(ex, TestData.validAnswer()));
             OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(r.source()).isEqualTo("judge");
            assertThat(r.value()).isEqualTo(-25);
            assertThat(r.findings()).extracting(f -> f.ruleId()).containsExactly("over-promise");
            assertThat(s.requests.get()).isEqualTo(1);
            assertThat(s.authorizations).containsExactly("Bearer " + KEY);
            JsonNode body = new ObjectMapper().readTree(s.bodies.get(0));
            assertThat(body.get("model").asText()).isEqualTo("judge-m");
            assertThat(body.get("temperature").asDouble()).isZero();
            assertThat(body.get("max_tokens").asInt()).isEqualTo(1024);
            assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
            assertThat(body.at("/messages/0/content").asText()).contains("Reply: " + TestData.PROMISE_REPLY).doesNotContain(KEY);
            JudgeStats st = j.stats();
            assertThat(st.calls()).isEqualTo(1);
            assertThat(st.attempts()).isEqualTo(1);
            assertThat(st.retries()).isZero();
            assertThat(st.succeeded()).isEqualTo(1);
            assertThat(st.promptTokens()).isEqualTo(100);
            assertThat(st.completionTokens()).isEqualTo(20);
        }
    }

    @Test
    void malformedBodyIsRetriedThenRecorded() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.send(ex, 200, "{\"choices\": [ oops"));
             OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.failed()).isTrue();
            assertThat(r.value()).isNaN();
            assertThat(r.error()).startsWith("[malformed-body] judge failed after 3 attempts: HTTP 200 with a body that is not JSON");
            assertThat(s.requests.get()).isEqualTo(3);
            JudgeStats st = j.stats();
            assertThat(st.attempts()).isEqualTo(3);
            assertThat(st.retries()).isEqualTo(2);
            assertThat(st.failures(FailureKind.MALFORMED_BODY)).isEqualTo(1);
            assertThat(st.attemptFailuresByKind()).isEqualTo(Map.of(FailureKind.MALFORMED_BODY, 3L));
        }
    }

    @Test
    void bodyWithoutContentIsMalformedToo() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.send(ex, 200, "{\"choices\": []}"));
             OpenAiJudge j = judge(config(s).withRetries(0, Duration.ZERO, Duration.ZERO))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.error()).startsWith("[malformed-body] judge failed after 1 attempt: HTTP 200 without choices[0].message.content");
            assertThat(s.requests.get()).isEqualTo(1);
        }
    }

    @Test
    void serverErrorThenSuccess() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            if (i == 0) {
                FakeOpenAiServer.send(ex, 500, "{\"error\": {\"message\": \"engine overloaded\"}}");
            } else {
                FakeOpenAiServer.ok(ex, TestData.validAnswer());
            }
        }); OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(r.value()).isEqualTo(-25);
            assertThat(s.requests.get()).isEqualTo(2);
            JudgeStats st = j.stats();
            assertThat(st.attempts()).isEqualTo(2);
            assertThat(st.retries()).isEqualTo(1);
            assertThat(st.failed()).isZero();
            assertThat(st.attemptFailuresByKind()).isEqualTo(Map.of(FailureKind.SERVER_ERROR, 1L));
            assertThat(logs).anyMatch(l -> l.startsWith("WARNING judge attempt 1/3 failed [server-error]: HTTP 500"));
        }
    }

    @Test
    void rateLimitHonoursRetryAfter() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            if (i == 0) {
                ex.getResponseHeaders().set("Retry-After", "1");
                FakeOpenAiServer.send(ex, 429, "{\"error\": {\"message\": \"slow down\"}}");
            } else {
                FakeOpenAiServer.ok(ex, TestData.validAnswer());
            }
        }); OpenAiJudge j = judge(config(s))) {
            long t0 = System.nanoTime();
            SourceResult r = judgeOne(j, item());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(s.requests.get()).isEqualTo(2);
            assertThat(ms).isBetween(1000L, 4000L); // waited the server's 1 s, not the 10 ms backoff
            assertThat(j.stats().attemptFailuresByKind()).isEqualTo(Map.of(FailureKind.RATE_LIMITED, 1L));
        }
    }

    @Test
    void retryAfterIsCappedByMaxBackoff() {
        try (OpenAiJudge j = new OpenAiJudge(JudgeConfig.OpenAi.defaults(URI.create("http://127.0.0.1:9/v1"), "m", null)
                .withRetries(3, Duration.ofMillis(100), Duration.ofMillis(400)), TestData.rubric(), k -> null)) {
            assertThat(j.backoffMillis(1, 60_000)).isEqualTo(400);
            assertThat(j.backoffMillis(1, 50)).isEqualTo(50);
            for (int i = 0; i < 20; i++) {
                assertThat(j.backoffMillis(1, -1)).isBetween(50L, 100L);
                assertThat(j.backoffMillis(2, -1)).isBetween(100L, 200L);
                assertThat(j.backoffMillis(5, -1)).isBetween(200L, 400L);
            }
        }
        assertThat(OpenAiEndpoint.retryAfterMillis("2")).isEqualTo(2000);
        assertThat(OpenAiEndpoint.retryAfterMillis("soon")).isEqualTo(-1);
        assertThat(OpenAiEndpoint.retryAfterMillis(null)).isEqualTo(-1);
    }

    @Test
    void timeoutIsBoundedAndRetried() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            Thread.sleep(5000);
            FakeOpenAiServer.ok(ex, TestData.validAnswer());
        }); OpenAiJudge j = judge(config(s).withTimeout(Duration.ofMillis(300)).withRetries(1, Duration.ofMillis(10), Duration.ofMillis(10)))) {
            long t0 = System.nanoTime();
            SourceResult r = judgeOne(j, item());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.error()).startsWith("[timeout] judge failed after 2 attempts");
            assertThat(ms).isBetween(600L, 3000L);
            assertThat(s.requests.get()).isEqualTo(2);
            assertThat(j.stats().failures(FailureKind.TIMEOUT)).isEqualTo(1);
            assertThat(j.stats().attemptFailuresByKind()).isEqualTo(Map.of(FailureKind.TIMEOUT, 2L));
        }
    }

    @Test
    void slowButWithinTimeoutSucceedsFirstTime() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            Thread.sleep(400);
            FakeOpenAiServer.ok(ex, TestData.validAnswer());
        }); OpenAiJudge j = judge(config(s).withTimeout(Duration.ofSeconds(3)))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.failed()).as(r.error()).isFalse();
            assertThat(r.latencyMillis()).isGreaterThanOrEqualTo(400);
            assertThat(s.requests.get()).isEqualTo(1);
            assertThat(j.stats().retries()).isZero();
            assertThat(j.stats().maxLatencyMillis()).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void truncatedBodyIsAnIoFailure() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            byte[] full = FakeOpenAiServer.completion(TestData.validAnswer()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, full.length);
            OutputStream os = ex.getResponseBody();
            os.write(full, 0, 40);
            os.flush();
            ex.close(); // then close the connection with the body short
        }); OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.error()).startsWith("[io] judge failed after 3 attempts");
            assertThat(s.requests.get()).isEqualTo(3);
            assertThat(j.stats().failures(FailureKind.IO)).isEqualTo(1);
        }
    }

    @Test
    void unknownRubricIdIsAParseFailureNotAScore() throws Exception {
        String wrong = TestData.validAnswer().replace("\"over-promise\"", "\"overpromise\"");
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.ok(ex, wrong));
             OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.failed()).isTrue();
            assertThat(r.value()).isNaN();
            assertThat(r.findings()).isEmpty();
            assertThat(r.error()).startsWith("[parse] judge failed after 3 attempts: judge answer rejected: items[1].id 'overpromise' is not a rubric id");
            assertThat(s.requests.get()).isEqualTo(3);
            assertThat(j.stats().failures(FailureKind.PARSE)).isEqualTo(1);
        }
    }

    @Test
    void repeatedItemIsACacheHitAndTheFilePersistsIt() throws Exception {
        Path file = tmp.resolve("cache/judge.jsonl");
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.ok(ex, TestData.validAnswer()))) {
            try (OpenAiJudge j = judge(config(s).withCache(true, file))) {
                SourceResult a = judgeOne(j, item());
                SourceResult b = judgeOne(j, item());
                assertThat(b.value()).isEqualTo(a.value());
                assertThat(b.findings()).isEqualTo(a.findings());
                assertThat(s.requests.get()).isEqualTo(1);
                assertThat(j.stats().cacheHits()).isEqualTo(1);
                assertThat(j.stats().calls()).isEqualTo(2);
            }
            assertThat(Files.readAllLines(file)).hasSize(1).allMatch(l -> !l.contains(KEY) && l.contains("\"model\":\"judge-m\""));
            try (OpenAiJudge j = judge(config(s).withCache(true, file))) {
                assertThat(judgeOne(j, item()).value()).isEqualTo(-25);
                assertThat(j.stats().cacheHits()).isEqualTo(1);
                assertThat(s.requests.get()).isEqualTo(1);
                judgeOne(j, TestData.item("另一条回复"));
                assertThat(s.requests.get()).isEqualTo(2); // another prompt: a miss
            }
            // another model name or rubric is another key
            try (OpenAiJudge j = new OpenAiJudge(new JudgeConfig.OpenAi(s.baseUrl(), "judge-m2", KEY_ENV, 0, 1024,
                    Duration.ofSeconds(5), 0, Duration.ZERO, Duration.ZERO, 2, true, file, null), TestData.rubric(), Map.of(KEY_ENV, KEY)::get)) {
                judgeOne(j, item());
                assertThat(j.stats().cacheHits()).isZero();
                assertThat(s.requests.get()).isEqualTo(3);
            }
        }
    }

    @Test
    void failuresAreNotCached() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.ok(ex, i == 0 ? "no json" : TestData.validAnswer()));
             OpenAiJudge j = judge(config(s).withRetries(0, Duration.ZERO, Duration.ZERO))) {
            assertThat(judgeOne(j, item()).failed()).isTrue();
            assertThat(judgeOne(j, item()).failed()).isFalse();
            assertThat(j.stats().cacheHits()).isZero();
            assertThat(s.requests.get()).isEqualTo(2);
        }
    }

    @Test
    void judgeAllRespectsTheConcurrencyLimitAndKeepsOrder() throws Exception {
        // the answer depends on the reply (item k ends in "#k"): even items hit over-promise, odd ones hit nothing
        String clean = TestData.validAnswer().replace("\"hit\": true", "\"hit\": false");
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            Thread.sleep(150);
            String body = FakeOpenAiServer.body();
            int k = Integer.parseInt(body.replaceAll("(?s).*#(\\d+)\\\\n.*", "$1"));
            FakeOpenAiServer.ok(ex, k % 2 == 0 ? TestData.validAnswer() : clean);
        }); OpenAiJudge j = judge(config(s).withConcurrency(3))) {
            List<ScoredItem> items = IntStream.range(0, 12)
                    .mapToObj(i -> new ScoredItem("i" + i, TestData.task(), List.of(), TestData.PROMISE_REPLY + "#" + i, null)).toList();
            long t0 = System.nanoTime();
            List<SourceResult> rs = j.judgeAll(items);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            results.addAll(rs);
            assertThat(rs).hasSize(12).allMatch(r -> !r.failed());
            for (int i = 0; i < 12; i++) {
                assertThat(rs.get(i).value()).as("item %d", i).isEqualTo(i % 2 == 0 ? -25 : 0);
            }
            assertThat(s.maxInFlight.get()).isEqualTo(3);
            assertThat(s.requests.get()).isEqualTo(12);
            assertThat(ms).isGreaterThanOrEqualTo(4 * 150); // 12 requests, 3 at a time
        }
    }

    @Test
    void concurrentCallersShareTheLimit() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> {
            Thread.sleep(100);
            FakeOpenAiServer.ok(ex, TestData.validAnswer());
        }); OpenAiJudge j = judge(config(s).withConcurrency(2).withCache(false, null))) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Thread th = new Thread(() -> results.add(j.judge(item())));
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(10_000);
            }
            assertThat(s.requests.get()).isEqualTo(6);
            assertThat(s.maxInFlight.get()).isEqualTo(2);
        }
    }

    @Test
    void clientErrorIsNotRetriedAndAnEchoedKeyIsRedacted() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.send(ex, 401,
                "{\"error\": {\"message\": \"Incorrect API key provided: " + ex.getRequestHeaders().getFirst("Authorization") + "\"}}"));
             OpenAiJudge j = judge(config(s))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.error()).startsWith("[client-error] judge failed after 1 attempt: HTTP 401")
                    .contains("Bearer [REDACTED]").doesNotContain(KEY);
            assertThat(s.requests.get()).isEqualTo(1);
            assertThat(j.stats().failures(FailureKind.CLIENT_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void connectionRefusedIsAnIoFailure() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        try (OpenAiJudge j = judge(JudgeConfig.OpenAi.defaults(URI.create("http://127.0.0.1:" + port + "/v1"), "judge-m", KEY_ENV)
                .withRetries(1, Duration.ofMillis(5), Duration.ofMillis(5)).withTimeout(Duration.ofSeconds(2)))) {
            SourceResult r = judgeOne(j, item());
            assertThat(r.error()).startsWith("[io] judge failed after 2 attempts");
        }
    }

    @Test
    void extraBodyIsMergedAndNoKeyMeansNoHeader() throws Exception {
        var extra = new ObjectMapper().createObjectNode();
        extra.putObject("chat_template_kwargs").put("enable_thinking", false);
        try (FakeOpenAiServer s = new FakeOpenAiServer((ex, i) -> FakeOpenAiServer.ok(ex, TestData.validAnswer()));
             OpenAiJudge j = new OpenAiJudge(new JudgeConfig.OpenAi(s.baseUrl(), "qwen3", null, 0, 64, Duration.ofSeconds(5), 0,
                     Duration.ZERO, Duration.ZERO, 1, false, null, extra), TestData.rubric(), k -> KEY)) {
            assertThat(judgeOne(j, item()).failed()).isFalse();
            assertThat(s.authorizations).containsExactly("null");
            JsonNode body = new ObjectMapper().readTree(s.bodies.get(0));
            assertThat(body.at("/chat_template_kwargs/enable_thinking").asBoolean(true)).isFalse();
            assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        }
    }

    @Test
    void missingKeyVariableFailsAtConstructionWithoutAValue() {
        JudgeConfig.OpenAi cfg = JudgeConfig.OpenAi.defaults(URI.create("http://127.0.0.1:1/v1"), "m", "NOT_SET_ANYWHERE_42");
        assertThatThrownBy(() -> new OpenAiJudge(cfg, TestData.rubric(), k -> null))
                .hasMessageContaining("NOT_SET_ANYWHERE_42").hasMessageContaining("not set");
        logs.add("constructed nothing"); // keyNeverLeaks wants at least one line
    }
}
