package repo.rewards.judge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import repo.core.text.QwenTokenizer;

/**
 * {@code repo serve} under hostile or careless clients: slow connections, oversized bodies, malformed parameters,
 * clients that leave, a full queue, a wrong key. Each case is one request or a handful, on 127.0.0.1.
 */
@Timeout(180)
class OpenAiServerHardeningTest {
    @TempDir static Path tmp;
    static Qwen3Model model;
    static QwenTokenizer tokenizer;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HI = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2";

    @BeforeAll
    static void load() throws Exception {
        Path dir = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), 7, 0.02, false, SafetensorsWriter.Storage.F32);
        model = Qwen3Model.load(dir, ModelOptions.cpu());
        tokenizer = QwenTokenizer.fromDirectory(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    record Reply(int status, JsonNode body) {
    }

    static Reply post(OpenAiServer s, String path, String json, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    static Reply get(OpenAiServer s, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    static void assertBadParam(Reply r, int status, String param, String message) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().at("/error/param").asText()).as(r.body().toString()).isEqualTo(param);
        assertThat(r.body().at("/error/message").asText()).contains(message);
    }

    @Test
    void slowClientsHoldOnlyTheirOwnConnectionAndAreDroppedAtTheHeaderTimeout() throws Exception {
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny")
                .withLimits(4, 64, Duration.ofMillis(1500), Duration.ofMillis(1500));
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port());
                c.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                slow.add(c);
            }
            // a slow body too: headers promise 100 bytes, 10 arrive
            Socket body = new Socket(InetAddress.getLoopbackAddress(), s.port());
            body.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"prompt\":")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.add(body);
            for (int i = 0; i < 5; i++) {
                assertThat(get(s, "/health").status()).isEqualTo(200);
                assertThat(post(s, "/v1/chat/completions", HI + "}", null).status()).isEqualTo(200);
            }
            for (Socket c : slow) { // each is answered 408 and closed within the timeout (+ timer slack)
                c.setSoTimeout(10_000);
                String answer = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 408");
                c.close();
            }
        }
    }

    @Test
    void oversizedBodiesGet413BeforeTheyAreReadAndHugePromptsAreRefusedBeforeTokenising() throws Exception {
        OpenAiServer.Options o = new OpenAiServer.Options("127.0.0.1", 0, "tiny", 4, 64 * 1024);
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            String big = "{\"prompt\": \"" + "x".repeat(2 << 20) + "\"}";
            Reply r = post(s, "/v1/completions", big, null);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body().at("/error/message").asText()).contains("at most 65536");
        }
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"))) {
            // 40960-token context: a prompt longer than 128 characters per token of room cannot fit
            int chars = (40960 - 4) * OpenAiServer.MAX_CHARS_PER_TOKEN + 1;
            Reply r = post(s, "/v1/completions", "{\"prompt\": \"" + "x".repeat(chars) + "\", \"max_tokens\": 4}", null);
            assertBadParam(r, 400, "prompt", "characters, more than 40956 tokens can hold");
        }
    }

    @Test
    void everyInvalidParameterIsA400NamingItAndTinyValuesAreUsable() throws Exception {
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"))) {
            String p = "/v1/chat/completions";
            assertBadParam(post(s, p, HI + ", \"n\": \"abc\"}", null), 400, "n", "'n' must be the integer 1");
            assertBadParam(post(s, p, HI + ", \"n\": 1.9}", null), 400, "n", "'n' must be the integer 1");
            assertBadParam(post(s, p, HI + ", \"n\": 2}", null), 400, "n", "only n=1");
            assertBadParam(post(s, p, HI.replace("\"max_tokens\": 2", "\"max_tokens\": 2147483647") + "}", null), 400, "max_tokens", "maximum context length");
            assertBadParam(post(s, p, HI.replace("\"max_tokens\": 2", "\"max_tokens\": 99999999999999999999") + "}", null), 400,
                    "max_tokens", "'max_tokens' must be an integer");
            assertBadParam(post(s, p, HI + ", \"temperature\": \"hot\"}", null), 400, "temperature", "must be a number in [0.0, 2.0]");
            assertBadParam(post(s, p, HI + ", \"top_p\": 0}", null), 400, "top_p", "(0, 1]");
            assertBadParam(post(s, p, HI + ", \"top_k\": 1.5}", null), 400, "top_k", "'top_k' must be an integer");
            assertBadParam(post(s, p, HI + ", \"seed\": \"x\"}", null), 400, "seed", "64-bit integer");
            assertBadParam(post(s, p, HI + ", \"stream\": \"yes\"}", null), 400, "stream", "true or false");
            assertBadParam(post(s, p, HI + ", \"stop\": [1]}", null), 400, "stop", "list of at most 16 strings");
            // strict JSON: trailing junk and duplicate keys
            assertThat(post(s, p, HI + "} trailing", null).body().at("/error/message").asText()).contains("not valid JSON");
            assertThat(post(s, p, HI + ", \"max_tokens\": 3}", null).body().at("/error/message").asText()).contains("Duplicate field");
            // tiny positive values are valid: greedy below 1e-5, top_p clamped to 1e-6
            assertThat(post(s, p, HI + ", \"temperature\": 1e-50}", null).status()).isEqualTo(200);
            assertThat(post(s, p, HI + ", \"temperature\": 0.7, \"top_p\": 1e-50}", null).status()).isEqualTo(200);
            assertThat(post(s, p, HI + ", \"n\": 1}", null).status()).isEqualTo(200);
        }
    }

    @Test
    void logLinesEscapeWhatTheClientSent() {
        assertThat(HttpWire.forLog("/v1/x\nINFO: forged line\r")).isEqualTo("/v1/x\\x0aINFO: forged line\\x0d");
        assertThat(HttpWire.forLog("é\"\\汉")).isEqualTo("\\xe9\\x22\\x5c\\u6c49");
        assertThat(HttpWire.forLog("a".repeat(300))).hasSize(259).endsWith("...");
    }

    @Test
    void aBearerKeyGuardsTheApiButNotHealth() throws Exception {
        String key = "sk-serve-TEST-0123456789";
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny").withApiKey(key))) {
            assertThat(post(s, "/v1/chat/completions", HI + "}", null).status()).isEqualTo(401);
            Reply wrong = post(s, "/v1/chat/completions", HI + "}", "Bearer sk-serve-TEST-0123456788");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body().toString()).doesNotContain("sk-serve");
            assertThat(get(s, "/v1/models").status()).isEqualTo(401);
            assertThat(post(s, "/v1/chat/completions", HI + "}", "Bearer " + key).status()).isEqualTo(200);
            assertThat(get(s, "/health").status()).isEqualTo(200);
            assertThat(s.toString()).doesNotContain(key);
        }
        assertThat(OpenAiServer.Options.defaults(0, "m").withApiKey(key).toString()).doesNotContain(key).contains("API key set");
        assertThat(new OpenAiServer.Options("0.0.0.0", 0, "m", 1, 1).beyondLoopback()).isTrue();
        assertThat(OpenAiServer.Options.defaults(0, "m").beyondLoopback()).isFalse();
    }

    /** A long generation sent on a raw socket, which the caller may close to walk away. */
    static Socket longGeneration(OpenAiServer s) throws Exception {
        String body = "{\"prompt\": \"hello\", \"max_tokens\": 20000, \"temperature\": 1, \"seed\": 3}";
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port());
        OutputStream out = c.getOutputStream();
        out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return c;
    }

    @Test
    void aFullQueueAnswers429AndAClientThatLeavesHasItsGenerationCancelled() throws Exception {
        OpenAiServer.Options o = OpenAiServer.Options.defaults(0, "tiny").withLimits(0, 16, Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, o)) {
            Socket running = longGeneration(s);
            Reply r = null;
            for (int i = 0; i < 200; i++) { // until the long one holds the worker
                r = post(s, "/v1/chat/completions", HI + "}", null);
                if (r.status() == 429) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(r.status()).as(r.body().toString()).isEqualTo(429);
            assertThat(r.body().at("/error/code").asText()).isEqualTo("queue_full");
            assertThat(get(s, "/health").status()).isEqualTo(200); // never waits on the model
            running.close(); // the client walks away: its 20000-token generation must stop
            for (int i = 0; i < 300 && s.cancelled() == 0; i++) {
                Thread.sleep(20);
            }
            assertThat(s.cancelled()).isEqualTo(1);
            CompletableFuture<Reply> next = CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        Reply x = post(s, "/v1/chat/completions", HI + "}", null);
                        if (x.status() != 429) {
                            return x;
                        }
                        Thread.sleep(20);
                    }
                    return null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(next.get().status()).isEqualTo(200); // within 4 s: the cancelled one no longer holds the worker
        }
    }

    @Test
    void malformedRequestLinesAndChunkedBodiesGetClearErrors() throws Exception {
        try (OpenAiServer s = OpenAiServer.start(model.base(), tokenizer, OpenAiServer.Options.defaults(0, "tiny"))) {
            assertThat(raw(s, "NONSENSE\r\n\r\n")).startsWith("HTTP/1.1 400");
            assertThat(raw(s, "POST /v1/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).startsWith("HTTP/1.1 411");
            assertThat(raw(s, "GET /health HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431");
            assertThat(raw(s, "GET /health?x HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200").contains("Connection: close");
            String body = "{\"prompt\": \"hi\", \"max_tokens\": 1}";
            assertThat(raw(s, "POST /v1/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body)).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200");
        }
    }

    static String raw(OpenAiServer s, String request) throws Exception {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = c.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
