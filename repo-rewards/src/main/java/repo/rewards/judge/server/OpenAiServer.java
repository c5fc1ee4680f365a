package repo.rewards.judge.server;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *       {@code temperature} (below 1e-5 = greedy, as in vLLM), {@code top_p}, {@code top_k} (extension; 0 or -1
 *       disables), {@code seed}, {@code stop} (string or list); thinking is off unless
 *       {@code chat_template_kwargs.enable_thinking} is true, as in vLLM (the top-level {@code enable_thinking} of
 *       DashScope is accepted too).
 *   <li>{@code POST /v1/completions}: a raw {@code prompt} string, no chat template.
 *   <li>{@code GET /health}: 200 once the model is loaded; answered on the connection thread, never queued behind a
 *       generation.
 * </ul>
 *
 * <p>Responses have the OpenAI shape ({@code id, object, created, model, choices[{index, message|text,
 * finish_reason "stop"|"length"}], usage{prompt_tokens, completion_tokens, total_tokens}});
 * {@code completion_tokens} counts the stop token when one was generated, as vLLM does. Errors are
 * {@code {"error": {"message", "type", "param", "code"}}}: 400 for a bad parameter (named in {@code param}), 401 for
 * a missing or wrong API key, 404 for an unknown route or model, 405 for a wrong method, 408 when the request did not
 * arrive within the header/body timeout, 411 for a chunked body, 413 for a body over the limit (checked before it is
 * read), 429 when the generation queue is full, 431 for oversized headers, 500 for a generation failure.
 * Streaming and {@code n > 1} are refused with 400. JSON is parsed strictly (trailing content, duplicate keys: 400).
 *
 * <p>Threads: an acceptor hands each connection to a bounded pool of connection threads that read the request under
 * deadlines ({@link HttpWire}), validate it, tokenise it (after a size check: a prompt with more characters than the
 * context could hold even at the longest token is refused first), and answer. Generations run on one model worker
 * thread, one at a time (the model is not thread-safe; grad mode is off on that thread), fed by a bounded queue; a
 * request that finds the queue full gets 429 at once. While its generation waits or runs, the connection thread
 * watches the socket; a client that goes away has its generation cancelled (dequeued, or stopped between tokens).
 * One request per connection ({@code Connection: close}).
 *
 * <p>With an API key ({@link Options#apiKey}), every {@code /v1/} request needs {@code Authorization: Bearer <key>}
 * (compared in constant time); {@code /health} stays open. Log lines show method, escaped target, status and time,
 * never headers or bodies.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** No Qwen3 vocabulary entry is longer than this many characters (the longest is a run of 128 spaces). */
    static final int MAX_CHARS_PER_TOKEN = 128;

    /**
     * @param host the address to bind; 127.0.0.1 by default, so nothing outside the machine can reach it
     * @param port the port; 0 picks a free one
     * @param modelName the id clients send as {@code model} and {@code /v1/models} lists
     * @param defaultMaxTokens {@code max_tokens} when a request has none
     * @param maxBodyBytes larger request bodies are refused with 413 before they are read
     * @param maxQueued generations that may wait behind the running one; one more is answered 429
     * @param maxConnections connections handled at once (each holds a thread); one more is answered 503
     * @param headerTimeout the request line and headers must arrive within this
     * @param bodyTimeout the body must arrive within this after the headers
     * @param apiKey the bearer token every {@code /v1/} request must carry; null for none (never logged or printed)
     */
    public record Options(String host, int port, String modelName, int defaultMaxTokens, int maxBodyBytes, int maxQueued,
                          int maxConnections, Duration headerTimeout, Duration bodyTimeout, String apiKey) {
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
            if (maxQueued < 0 || maxConnections < 1) {
                throw new IllegalArgumentException("maxQueued must be >= 0 and maxConnections >= 1");
            }
            if (headerTimeout == null || headerTimeout.toMillis() < 1 || bodyTimeout == null || bodyTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("header and body timeouts must be >= 1 ms");
            }
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("the API key is empty");
            }
        }

        /** The limits of {@link #defaults} with these basics. */
        public Options(String host, int port, String modelName, int defaultMaxTokens, int maxBodyBytes) {
            this(host, port, modelName, defaultMaxTokens, maxBodyBytes, 64, 256, Duration.ofSeconds(10),
                    Duration.ofSeconds(30), null);
        }

        /**
         * 127.0.0.1, the given port and name, 512 tokens (the paper's response limit), 8 MiB bodies, 64 queued
         * generations, 256 connections, 10 s for headers, 30 s for the body, no API key.
         */
        public static Options defaults(int port, String modelName) {
            return new Options("127.0.0.1", port, modelName, 512, 8 << 20);
        }

        public Options withLimits(int maxQueued, int maxConnections, Duration headerTimeout, Duration bodyTimeout) {
            return new Options(host, port, modelName, defaultMaxTokens, maxBodyBytes, maxQueued, maxConnections,
                    headerTimeout, bodyTimeout, apiKey);
        }

        public Options withApiKey(String key) {
            return new Options(host, port, modelName, defaultMaxTokens, maxBodyBytes, maxQueued, maxConnections,
                    headerTimeout, bodyTimeout, key);
        }

        /** Whether the bound address is reachable from other machines. */
        public boolean beyondLoopback() {
            try {
                return !InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public String toString() { // the key never appears
            return "Options[" + host + ":" + port + ", model " + modelName + ", max_tokens " + defaultMaxTokens + ", body <= "
                    + maxBodyBytes + " B, queue " + maxQueued + ", connections " + maxConnections + ", header timeout "
                    + headerTimeout.toMillis() + " ms, body timeout " + bodyTimeout.toMillis() + " ms, "
                    + (apiKey == null ? "no API key" : "API key set") + "]";
        }
    }

    /** One endpoint: the request in, the 200 body out (errors are thrown as {@link ApiError}). */
    @FunctionalInterface
    interface Handler {
        ObjectNode handle(HttpWire.Request req, Socket socket);
    }

    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final Generator generator;
    private final Options options;
    private final ChatFormat chat = new ChatFormat();
    private final ServerSocket listener;
    private final Thread acceptor;
    private final ThreadPoolExecutor connections;
    private final ThreadPoolExecutor worker;
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long created = Instant.now().getEpochSecond();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private volatile boolean closing;
    private final repo.rewards.judge.Redactor redactor;

    private OpenAiServer(Forward pass, QwenTokenizer tokenizer, Options options) throws IOException {
        this.model = pass.model();
        this.tokenizer = tokenizer;
        this.generator = new Generator(pass, tokenizer);
        this.options = options;
        this.redactor = repo.rewards.judge.Redactor.of(options.apiKey()); // a client may put the key in a URL
        registerRoutes();
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                options.maxQueued() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(options.maxQueued()), r -> {
            Thread t = new Thread(() -> {
                JniUtils.setGradMode(false); // grad mode is thread-local and on by default off the engine's thread
                r.run();
            }, "model-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger n = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, options.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 512);
        this.acceptor = new Thread(this::acceptLoop, "http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        if (options.beyondLoopback() && options.apiKey() == null) {
            LOG.log(System.Logger.Level.WARNING, "serving on " + options.host() + ", reachable from other machines, "
                    + "without an API key: anyone who can reach this port can use the model (set one with --api-key-env NAME)");
        }
    }

    /** The endpoints, by path and method: add one here to extend the server. */
    private void registerRoutes() {
        route("GET", "/health", (req, s) -> JSON.createObjectNode().put("status", "ok"));
        route("GET", "/v1/models", (req, s) -> models());
        route("POST", "/v1/chat/completions", (req, s) -> chatCompletion(RequestFields.object(req.body()), s));
        route("POST", "/v1/completions", (req, s) -> completion(RequestFields.object(req.body()), s));
    }

    private void route(String method, String path, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, h);
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
        return listener.getLocalPort();
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

    /** Generations cancelled because their client went away. */
    public int cancelled() {
        return cancelled.get();
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, for instance). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        worker.shutdownNow();
        connections.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    // ---- connections -----------------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                }
                continue;
            }
            try {
                connections.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                reject(s);
            }
        }
    }

    /** All connection threads are busy: a short 503, written with a short timeout, then the socket is closed. */
    private void reject(Socket s) {
        try (s) {
            s.setSoTimeout(100);
            HttpWire.write(s, 503, errorBytes(new ApiError(503, "server_error", "overloaded",
                    "too many connections (" + options.maxConnections() + "); retry later")), Map.of("Retry-After", "1"));
        } catch (IOException e) {
            // the client is gone
        }
    }

    private void serve(Socket s) {
        long t0 = System.nanoTime();
        String method = "-", target = "-";
        int status = 0;
        boolean early = false; // answered before the whole request was read: drain before closing
        try {
            s.setTcpNoDelay(true);
            byte[] body;
            Map<String, String> headers = Map.of();
            try {
                HttpWire.Request req = HttpWire.read(s, new HttpWire.Limits(options.headerTimeout().toMillis(),
                        options.bodyTimeout().toMillis(), options.maxBodyBytes()));
                method = req.method();
                target = req.target();
                body = JSON.writeValueAsBytes(dispatch(req, s));
                status = 200;
            } catch (ApiError e) {
                status = e.status;
                early = e.status == 411 || e.status == 413 || e.status == 431;
                body = errorBytes(e);
                if (e.status == 429 || e.status == 503) {
                    headers = Map.of("Retry-After", "1");
                } else if (e.status == 401) {
                    headers = Map.of("WWW-Authenticate", "Bearer");
                }
            } catch (ClientGone e) {
                status = 499; // nginx's "client closed request": logged, nothing sent
                return;
            } catch (RuntimeException e) {
                status = 500;
                body = errorBytes(new ApiError(500, "server_error", null, "generation failed: " + e.getMessage()));
                LOG.log(System.Logger.Level.ERROR, "request " + HttpWire.forLog(redactor.redact(target)) + " failed", e);
            }
            HttpWire.write(s, status, body, headers);
        } catch (IOException e) {
            if (status == 0) {
                status = 499;
            }
        } finally {
            served.incrementAndGet();
            if (early) {
                HttpWire.drainAndClose(s, 64L << 20, 3_000);
            } else {
                closeQuietly(s);
            }
            if (status != 0) {
                LOG.log(System.Logger.Level.INFO, HttpWire.forLog(method) + " " + HttpWire.forLog(redactor.redact(target)) + " "
                        + status + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
    }

    private ObjectNode dispatch(HttpWire.Request req, Socket s) {
        if (options.apiKey() != null && req.path().startsWith("/v1/")) {
            authorize(req.header("authorization"));
        }
        Map<String, Handler> byMethod = routes.get(req.path());
        if (byMethod == null) {
            throw new ApiError(404, "invalid_request_error", "not_found", "no route " + HttpWire.forLog(req.method()) + " "
                    + HttpWire.forLog(req.path()) + "; this server has " + String.join(", ", routeList()));
        }
        Handler h = byMethod.get(req.method());
        if (h == null) {
            throw new ApiError(405, "invalid_request_error", "method_not_allowed", "use " + String.join(" or ", byMethod.keySet())
                    + ", not " + HttpWire.forLog(req.method()));
        }
        return h.handle(req, s);
    }

    private List<String> routeList() {
        return routes.entrySet().stream().flatMap(e -> e.getValue().keySet().stream().map(m -> m + " " + e.getKey())).toList();
    }

    private void authorize(String header) {
        byte[] want = ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
        byte[] got = header == null ? new byte[0] : header.getBytes(StandardCharsets.ISO_8859_1);
        if (!MessageDigest.isEqual(want, got)) {
            throw new ApiError(401, "invalid_request_error", "invalid_api_key",
                    header == null ? "missing API key: send Authorization: Bearer <key>" : "invalid API key");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** The client closed its connection while its request was waiting or generating. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super(null, null, false, false);
        }
    }

    // ---- endpoints -------------------------------------------------------------------------------------------

    private ObjectNode models() {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        root.putArray("data").addObject().put("id", options.modelName()).put("object", "model").put("created", created)
                .put("owned_by", "repo").put("max_model_len", model.config().maxPositionEmbeddings());
        return root;
    }

    private ObjectNode chatCompletion(ObjectNode req, Socket s) {
        SamplingParams params = RequestFields.sampling(req, options.modelName(), options.defaultMaxTokens());
        List<Message> messages = RequestFields.messages(req.get("messages"));
        boolean thinking = RequestFields.enableThinking(req);
        String prompt = chat.render(messages, true, thinking);
        Generation g = generate(prompt, params, s);
        ObjectNode root = envelope("chatcmpl-", "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.finishReason().openAiName());
        usage(root, g);
        return root;
    }

    private ObjectNode completion(ObjectNode req, Socket s) {
        SamplingParams params = RequestFields.sampling(req, options.modelName(), options.defaultMaxTokens());
        JsonNode p = req.get("prompt");
        if (p != null && p.isArray() && p.size() == 1) {
            p = p.get(0);
        }
        if (p == null || !p.isTextual() || p.asText().isEmpty()) {
            throw ApiError.badParam("prompt", "'prompt' must be a non-empty string (one prompt per request)");
        }
        Generation g = generate(p.asText(), params, s);
        ObjectNode root = envelope("cmpl-", "text_completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("text", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.finishReason().openAiName());
        usage(root, g);
        return root;
    }

    private Generation generate(String prompt, SamplingParams params, Socket s) {
        int limit = model.config().maxPositionEmbeddings();
        long room = (long) limit - params.maxNewTokens();
        if (room < 1) {
            throw ApiError.badParam("max_tokens", "this model's maximum context length is " + limit
                    + " tokens; max_tokens is " + params.maxNewTokens());
        }
        if (prompt.length() > room * MAX_CHARS_PER_TOKEN) { // cannot fit whatever it encodes to: refuse before tokenising
            throw ApiError.badParam("messages", "this model's maximum context length is " + limit + " tokens; the prompt has "
                    + prompt.length() + " characters, more than " + room + " tokens can hold with max_tokens " + params.maxNewTokens());
        }
        long[] ids = tokenizer.encode(prompt);
        if (ids.length == 0) {
            throw ApiError.bad("the prompt encodes to no tokens");
        }
        if (ids.length > room) {
            throw ApiError.badParam("max_tokens", "this model's maximum context length is " + limit + " tokens; the prompt has "
                    + ids.length + " and max_tokens is " + params.maxNewTokens());
        }
        Future<Generation> f;
        try {
            f = worker.submit(() -> generator.generate(List.of(ids), params).get(0));
        } catch (RejectedExecutionException e) {
            if (closing) {
                throw new ApiError(503, "server_error", null, "the server is shutting down");
            }
            throw new ApiError(429, "rate_limit_error", "queue_full", "the generation queue is full (" + options.maxQueued()
                    + " waiting); retry later");
        }
        return await(f, s);
    }

    /** Waits for a generation while watching the client; cancels it when the client goes away. */
    private Generation await(Future<Generation> f, Socket s) {
        try {
            while (true) {
                try {
                    return f.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (HttpWire.clientGone(s)) {
                        f.cancel(true);
                        worker.purge();
                        cancelled.incrementAndGet();
                        throw new ClientGone();
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", null, "the server is shutting down");
        } catch (CancellationException e) {
            throw new ApiError(503, "server_error", null, "the generation was cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException) {
                throw ApiError.bad(c.getMessage());
            }
            throw new IllegalStateException(c.getClass().getSimpleName() + ": " + c.getMessage(), c);
        }
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

    private static byte[] errorBytes(ApiError err) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error").put("message", err.getMessage()).put("type", err.type);
        if (err.param == null) {
            e.putNull("param");
        } else {
            e.put("param", err.param);
        }
        if (err.code == null) {
            e.putNull("code");
        } else {
            e.put("code", err.code);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }
}
