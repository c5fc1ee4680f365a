package repo.rewards.judge.server;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import repo.core.generate.Generation;
import repo.core.generate.Generator;
import repo.core.generate.SamplingParams;
import repo.core.model.Forward;
import repo.core.model.Qwen3Model;
import repo.core.text.ChatFormat;
import repo.core.text.Message;
import repo.core.text.QwenTokenizer;

/**
 * An OpenAI-compatible HTTP server over a Qwen3 checkpoint of this library: what {@code repo serve} runs, so a
 * trained policy can be chatted with, or used as the judge of another run, by any OpenAI client.
 *
 * <ul>
 *   <li>{@code GET /v1/models}: the one served model.
 *   <li>{@code POST /v1/chat/completions}: {@code messages}, {@code max_tokens} (or {@code max_completion_tokens}),
 *       {@code temperature} (0 = greedy), {@code top_p}, {@code top_k} (extension; 0 or -1 disables), {@code seed},
 *       {@code stop} (string or list); thinking is off unless {@code chat_template_kwargs.enable_thinking} is true,
 *       as in vLLM (the top-level {@code enable_thinking} of DashScope is accepted too).
 *   <li>{@code POST /v1/completions}: a raw {@code prompt} string, no chat template.
 *   <li>{@code GET /health}: 200 once the model is loaded.
 * </ul>
 *
 * <p>Responses have the OpenAI shape ({@code id, object, created, model, choices[{index, message|text,
 * finish_reason "stop"|"length"}], usage{prompt_tokens, completion_tokens, total_tokens}});
 * {@code completion_tokens} counts the stop token when one was generated, as vLLM does. Errors are
 * {@code {"error": {"message", "type", "param", "code"}}}: 400 for a bad request, 404 for an unknown route or
 * model, 405 for a wrong method, 500 for a generation failure. Streaming and {@code n > 1} are refused with 400.
 *
 * <p>HTTP requests are parsed on a small pool, and every generation runs on one model worker thread, one request
 * at a time: the model is not thread-safe, and grad mode (thread-local in DJL) is switched off on that thread.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param host the address to bind; 127.0.0.1 by default, so nothing outside the machine can reach it
     * @param port the port; 0 picks a free one
     * @param modelName the id clients send as {@code model} and {@code /v1/models} lists
     * @param defaultMaxTokens {@code max_tokens} when a request has none
     * @param maxBodyBytes larger request bodies are refused
     */
    public record Options(String host, int port, String modelName, int defaultMaxTokens, int maxBodyBytes) {
        public Options {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            if (modelName == null || modelName.isBlank()) {
                throw new IllegalArgumentException("a served model name is required");
            }
            if (defaultMaxTokens <= 0 || maxBodyBytes <= 0) {
                throw new IllegalArgumentException("defaultMaxTokens and maxBodyBytes must be > 0");
            }
        }

        /** 127.0.0.1, the given port and name, 512 tokens (the paper's response limit), 8 MiB bodies. */
        public static Options defaults(int port, String modelName) {
            return new Options("127.0.0.1", port, modelName, 512, 8 << 20);
        }
    }

    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final Generator generator;
    private final Options options;
    private final ChatFormat chat = new ChatFormat();
    private final HttpServer http;
    private final ExecutorService httpPool;
    private final ExecutorService worker;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long created = Instant.now().getEpochSecond();
    private final AtomicInteger served = new AtomicInteger();

    private OpenAiServer(Forward pass, QwenTokenizer tokenizer, Options options) throws IOException {
        this.model = pass.model();
        this.tokenizer = tokenizer;
        this.generator = new Generator(pass, tokenizer);
        this.options = options;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                JniUtils.setGradMode(false); // grad mode is thread-local and on by default off the engine's thread
                r.run();
            }, "model-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger n = new AtomicInteger();
        this.httpPool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 64);
        http.createContext("/", this::handle);
        http.setExecutor(httpPool);
        http.start();
    }

    /**
     * Starts serving; the caller keeps ownership of model and tokenizer and closes them after {@link #close()}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static OpenAiServer start(Forward pass, QwenTokenizer tokenizer, Options options) throws IOException {
        return new OpenAiServer(pass, tokenizer, options);
    }

    /** The bound port (the real one when 0 was asked for). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The API root clients use as their base URL, e.g. {@code http://127.0.0.1:8000/v1}. */
    public URI baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    /** Requests answered so far (errors included). */
    public int served() {
        return served.get();
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, for instance). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        http.stop(0);
        worker.shutdownNow();
        httpPool.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    // ---- routing ---------------------------------------------------------------------------------------------

    /** A request the client got wrong: answered with its HTTP status and an OpenAI error body. */
    static final class ApiError extends RuntimeException {
        final int status;
        final String type;
        final String code;

        ApiError(int status, String type, String code, String message) {
            super(message);
            this.status = status;
            this.type = type;
            this.code = code;
        }

        static ApiError bad(String message) {
            return new ApiError(400, "invalid_request_error", null, message);
        }
    }

    private void handle(HttpExchange ex) {
        long t0 = System.nanoTime();
        int status = 500;
        String path = ex.getRequestURI().getPath();
        try (ex) {
            ObjectNode body;
            try {
                body = route(ex, path);
                status = 200;
            } catch (ApiError e) {
                status = e.status;
                body = error(e.getMessage(), e.type, e.code);
            } catch (RuntimeException e) {
                body = error("generation failed: " + e.getMessage(), "server_error", null);
                LOG.log(System.Logger.Level.ERROR, "request " + path + " failed", e);
            }
            send(ex, status, body);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client went away: " + e.getMessage());
        } finally {
            served.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, ex.getRequestMethod() + " " + path + " " + status + " "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    private ObjectNode route(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, "GET");
                return models();
            }
            case "/health" -> {
                requireMethod(method, "GET");
                return JSON.createObjectNode().put("status", "ok");
            }
            case "/v1/chat/completions" -> {
                requireMethod(method, "POST");
                return chatCompletion(readBody(ex));
            }
            case "/v1/completions" -> {
                requireMethod(method, "POST");
                return completion(readBody(ex));
            }
            default -> throw new ApiError(404, "invalid_request_error", "not_found",
                    "no route " + method + " " + path + "; this server has GET /v1/models, POST /v1/chat/completions, "
                            + "POST /v1/completions");
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw new ApiError(405, "invalid_request_error", "method_not_allowed", "use " + expected + ", not " + method);
        }
    }

    private ObjectNode readBody(HttpExchange ex) throws IOException {
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(options.maxBodyBytes() + 1);
        }
        if (bytes.length > options.maxBodyBytes()) {
            throw ApiError.bad("request body is larger than " + options.maxBodyBytes() + " bytes");
        }
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw ApiError.bad("request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw ApiError.bad("request body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    // ---- endpoints -------------------------------------------------------------------------------------------

    private ObjectNode models() {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        root.putArray("data").addObject().put("id", options.modelName()).put("object", "model").put("created", created)
                .put("owned_by", "repo").put("max_model_len", model.config().maxPositionEmbeddings());
        return root;
    }

    private ObjectNode chatCompletion(ObjectNode req) {
        SamplingParams params = sampling(req);
        List<Message> messages = messages(req.get("messages"));
        boolean thinking = enableThinking(req);
        String prompt = chat.render(messages, true, thinking);
        Generation g = generate(prompt, params);
        ObjectNode root = envelope("chatcmpl-", "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.finishReason().openAiName());
        usage(root, g);
        return root;
    }

    private ObjectNode completion(ObjectNode req) {
        SamplingParams params = sampling(req);
        JsonNode p = req.get("prompt");
        if (p != null && p.isArray() && p.size() == 1) {
            p = p.get(0);
        }
        if (p == null || !p.isTextual() || p.asText().isEmpty()) {
            throw ApiError.bad("'prompt' must be a non-empty string (one prompt per request)");
        }
        Generation g = generate(p.asText(), params);
        ObjectNode root = envelope("cmpl-", "text_completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("text", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.finishReason().openAiName());
        usage(root, g);
        return root;
    }

    private Generation generate(String prompt, SamplingParams params) {
        long[] ids = tokenizer.encode(prompt);
        int limit = model.config().maxPositionEmbeddings();
        if (ids.length == 0) {
            throw ApiError.bad("the prompt encodes to no tokens");
        }
        if (ids.length + params.maxNewTokens() > limit) {
            throw ApiError.bad("this model's maximum context length is " + limit + " tokens; the prompt has " + ids.length
                    + " and max_tokens is " + params.maxNewTokens());
        }
        Future<Generation> f;
        try {
            f = worker.submit(() -> generator.generate(List.of(ids), params).get(0));
        } catch (RejectedExecutionException e) {
            throw new ApiError(503, "server_error", null, "the server is shutting down");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", null, "the server is shutting down");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException) {
                throw ApiError.bad(c.getMessage());
            }
            throw new IllegalStateException(c.getClass().getSimpleName() + ": " + c.getMessage(), c);
        }
    }

    // ---- request fields --------------------------------------------------------------------------------------

    private SamplingParams sampling(ObjectNode req) {
        JsonNode model = req.get("model");
        if (model != null && !model.isNull() && !options.modelName().equals(model.asText())) {
            throw new ApiError(404, "invalid_request_error", "model_not_found",
                    "the model '" + model.asText() + "' does not exist; this server serves '" + options.modelName() + "'");
        }
        if (req.path("stream").asBoolean(false)) {
            throw ApiError.bad("stream=true is not supported by repo serve; send stream=false");
        }
        if (req.has("n") && req.get("n").asInt(1) != 1) {
            throw ApiError.bad("only n=1 is supported");
        }
        int maxTokens = options.defaultMaxTokens();
        for (String key : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = req.get(key);
            if (v != null && !v.isNull()) {
                if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
                    throw ApiError.bad("'" + key + "' must be a positive integer, got " + v);
                }
                maxTokens = v.asInt();
            }
        }
        double temperature = number(req, "temperature", 1.0, 0, 2);
        double topP = number(req, "top_p", 1.0, 0, 1);
        if (topP <= 0) {
            throw ApiError.bad("'top_p' must be in (0, 1], got " + topP);
        }
        int topK = 0;
        JsonNode k = req.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || k.asInt() < -1) {
                throw ApiError.bad("'top_k' must be an integer >= -1 (-1 or 0 disables it), got " + k);
            }
            topK = Math.max(0, k.asInt());
        }
        long seed;
        JsonNode s = req.get("seed");
        if (s == null || s.isNull()) {
            seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        } else if (s.isIntegralNumber()) {
            seed = s.asLong();
        } else {
            throw ApiError.bad("'seed' must be an integer, got " + s);
        }
        List<String> stops = stops(req.get("stop"));
        boolean greedy = temperature == 0;
        return new SamplingParams(maxTokens, greedy, greedy ? 1f : (float) temperature, (float) topP, topK, seed,
                SamplingParams.QWEN_STOP_IDS, stops);
    }

    private static double number(ObjectNode req, String key, double dflt, double lo, double hi) {
        JsonNode v = req.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < lo || v.asDouble() > hi) {
            throw ApiError.bad("'" + key + "' must be a number in [" + lo + ", " + hi + "], got " + v);
        }
        return v.asDouble();
    }

    private static List<String> stops(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode s : v) {
                if (!s.isTextual()) {
                    throw ApiError.bad("'stop' must be a string or a list of strings, got " + v);
                }
                out.add(s.asText());
            }
        } else {
            throw ApiError.bad("'stop' must be a string or a list of strings, got " + v);
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiError.bad("'stop' strings must not be empty");
        }
        return out;
    }

    private static boolean enableThinking(ObjectNode req) {
        JsonNode v = req.path("chat_template_kwargs").get("enable_thinking");
        if (v == null) {
            v = req.get("enable_thinking");
        }
        if (v == null || v.isNull()) {
            return false; // thinking off unless asked for: replies are what the policy says, not its reasoning
        }
        if (!v.isBoolean()) {
            throw ApiError.bad("'enable_thinking' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static List<Message> messages(JsonNode v) {
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw ApiError.bad("'messages' must be a non-empty list of {\"role\", \"content\"}");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiError.bad(where + " must be an object");
            }
            Message.Role role;
            try {
                role = Message.Role.fromJsonName(m.path("role").asText(""));
            } catch (IllegalArgumentException e) {
                throw ApiError.bad(where + ".role: " + e.getMessage());
            }
            String content = content(m.get("content"), where);
            JsonNode r = m.get("reasoning_content");
            try {
                out.add(new Message(role, content, r == null || r.isNull() ? null : r.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiError.bad(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** A string, or OpenAI's list of content parts of which only {@code {"type": "text"}} is supported. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiError.bad(where + ".content: only text parts {\"type\": \"text\", \"text\": ...} are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiError.bad(where + ".content must be a string or a list of text parts");
    }

    // ---- responses -------------------------------------------------------------------------------------------

    private ObjectNode envelope(String idPrefix, String object) {
        return JSON.createObjectNode().put("id", idPrefix + UUID.randomUUID().toString().replace("-", ""))
                .put("object", object).put("created", Instant.now().getEpochSecond()).put("model", options.modelName());
    }

    private static void usage(ObjectNode root, Generation g) {
        int p = g.promptIds().length, c = g.ids().length;
        root.putObject("usage").put("prompt_tokens", p).put("completion_tokens", c).put("total_tokens", p + c);
    }

    private static ObjectNode error(String message, String type, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error").put("message", message).put("type", type);
        e.putNull("param");
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
