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
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
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
import repo.core.io.PeftAdapters;
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
 *   <li>{@code GET /v1/models}: the served model, then the adapters loaded at run time (with {@code parent}).
 *   <li>{@code POST /v1/chat/completions}: {@code messages}, {@code max_tokens} (or {@code max_completion_tokens}),
 *       {@code temperature} (below 1e-5 = greedy, as in vLLM), {@code top_p}, {@code top_k} (extension; 0 or -1
 *       disables), {@code seed}, {@code stop} (string or list); thinking is off unless
 *       {@code chat_template_kwargs.enable_thinking} is true, as in vLLM (the top-level {@code enable_thinking} of
 *       DashScope is accepted too).
 *   <li>{@code POST /v1/completions}: a raw {@code prompt}, no chat template: a string or a list of token ids; the
 *       sampled tokens' ids and log-probs on request ({@code return_token_ids}, {@code logprobs: 0},
 *       {@code return_tokens_as_token_ids}, as vLLM has them); {@code stop_token_ids} adds stop tokens.
 *   <li>{@code POST /v1/load_lora_adapter} {@code {"lora_name", "lora_path"}} and {@code POST /v1/unload_lora_adapter}
 *       {@code {"lora_name"}}, with {@link Options#allowLoraLoading} only (404 otherwise): a PEFT folder on this machine
 *       becomes an adapter over the base weights, served as {@code model: lora_name} (vLLM's runtime LoRA API). A folder
 *       that cannot be loaded is a 400 naming the file and the problem; nothing is half-loaded.
 *   <li>{@code GET /health}: 200 once the model is loaded; answered on the connection thread, never queued behind a
 *       generation.
 * </ul>
 *
 * <p>Responses have the OpenAI shape ({@code id, object, created, model, choices[{index, message|text,
 * finish_reason "stop"|"length"}], usage{prompt_tokens, completion_tokens, total_tokens}}), {@code model} being the
 * name the request used;
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
     * @param allowLoraLoading whether {@code /v1/load_lora_adapter} and {@code /v1/unload_lora_adapter} may load PEFT
     *     folders from this machine's disk as named adapters (vLLM's {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING}); off by default
     */
    public record Options(String host, int port, String modelName, int defaultMaxTokens, int maxBodyBytes, int maxQueued,
                          int maxConnections, Duration headerTimeout, Duration bodyTimeout, String apiKey,
                          boolean allowLoraLoading) {
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
                    Duration.ofSeconds(30), null, false);
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
                    headerTimeout, bodyTimeout, apiKey, allowLoraLoading);
        }

        public Options withApiKey(String key) {
            return new Options(host, port, modelName, defaultMaxTokens, maxBodyBytes, maxQueued, maxConnections,
                    headerTimeout, bodyTimeout, key, allowLoraLoading);
        }

        public Options withLoraLoading(boolean allow) {
            return new Options(host, port, modelName, defaultMaxTokens, maxBodyBytes, maxQueued, maxConnections,
                    headerTimeout, bodyTimeout, apiKey, allow);
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
                    + (apiKey == null ? "no API key" : "API key set") + (allowLoraLoading ? ", runtime LoRA loading" : "") + "]";
        }
    }

    /** One endpoint: the request in, the 200 body out (errors are thrown as {@link ApiError}). */
    @FunctionalInterface
    interface Handler {
        ObjectNode handle(HttpWire.Request req, Socket socket);
    }

    private final Qwen3Model model;
    private final QwenTokenizer tokenizer;
    private final Forward basePass;
    private final Options options;
    /** Adapters loaded at run time: the name clients send as {@code model} -> the model's adapter name. */
    private final Map<String, String> loras = new ConcurrentHashMap<>();
    private final AtomicInteger loraSeq = new AtomicInteger();
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
        this.basePass = pass;
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
        route("POST", "/v1/load_lora_adapter", (req, s) -> loadLora(RequestFields.object(req.body()), s));
        route("POST", "/v1/unload_lora_adapter", (req, s) -> unloadLora(RequestFields.object(req.body()), s));
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
        var data = root.putArray("data");
        for (String name : servedNames()) {
            ObjectNode m = data.addObject().put("id", name).put("object", "model").put("created", created).put("owned_by", "repo");
            if (!name.equals(options.modelName())) {
                m.put("parent", options.modelName());
            }
            m.put("max_model_len", model.config().maxPositionEmbeddings());
        }
        return root;
    }

    private ObjectNode chatCompletion(ObjectNode req, Socket s) {
        String served = servedModel(req);
        SamplingParams params = RequestFields.sampling(req, options.defaultMaxTokens());
        List<Message> messages = RequestFields.messages(req.get("messages"));
        boolean thinking = RequestFields.enableThinking(req);
        String prompt = chat.render(messages, true, thinking);
        Generation g = generate(encode(prompt, params, "messages"), params, served, s);
        ObjectNode root = envelope("chatcmpl-", "chat.completion", served);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.finishReason().openAiName());
        usage(root, g);
        return root;
    }

    /**
     * A raw prompt, no chat template: a string, or a list of token ids (vLLM's form), alone or as a one-element list.
     * With {@code logprobs: 0} the choice carries each sampled token's log-prob (temperature 1, before top-k/top-p),
     * the token written as {@code "token_id:N"} with {@code return_tokens_as_token_ids}; with {@code return_token_ids}
     * it carries {@code prompt_token_ids} and {@code token_ids} (the stop token included when one was generated).
     */
    private ObjectNode completion(ObjectNode req, Socket s) {
        String served = servedModel(req);
        SamplingParams params = RequestFields.sampling(req, options.defaultMaxTokens());
        boolean logprobs = RequestFields.logprobs(req);
        boolean asIds = RequestFields.flag(req, "return_tokens_as_token_ids"), withIds = RequestFields.flag(req, "return_token_ids");
        JsonNode p = req.get("prompt");
        if (p != null && p.isArray() && p.size() == 1 && (p.get(0).isTextual() || p.get(0).isArray())) {
            p = p.get(0);
        }
        long[] ids;
        if (p != null && p.isArray()) {
            ids = RequestFields.tokenIds(p, "prompt", model.config().vocabSize());
            checkRoom(ids.length, params, "prompt");
        } else if (p != null && p.isTextual() && !p.asText().isEmpty()) {
            ids = encode(p.asText(), params, "prompt");
        } else {
            throw ApiError.badParam("prompt", "'prompt' must be a non-empty string or a non-empty list of token ids (one prompt per request)");
        }
        Generation g = generate(ids, params, served, s);
        ObjectNode root = envelope("cmpl-", "text_completion", served);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("text", g.text());
        if (logprobs) {
            ObjectNode lp = choice.putObject("logprobs");
            var tokens = lp.putArray("tokens");
            var values = lp.putArray("token_logprobs");
            for (int i = 0; i < g.ids().length; i++) {
                tokens.add(asIds ? "token_id:" + g.ids()[i] : tokenizer.decode(new long[] {g.ids()[i]}, false));
                values.add(g.logProbs()[i]);
            }
            lp.putNull("top_logprobs");
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", g.finishReason().openAiName());
        if (withIds) {
            var pi = choice.putArray("prompt_token_ids");
            for (long id : g.promptIds()) {
                pi.add(id);
            }
            var ti = choice.putArray("token_ids");
            for (long id : g.ids()) {
                ti.add(id);
            }
        }
        usage(root, g);
        return root;
    }

    /** The request's {@code model}: the served base (also when absent) or an adapter loaded at run time; else 404. */
    private String servedModel(ObjectNode req) {
        JsonNode m = req.get("model");
        if (m == null || m.isNull() || options.modelName().equals(m.asText())) {
            return options.modelName();
        }
        if (!loras.containsKey(m.asText())) {
            throw unknownModel(m.asText());
        }
        return m.asText();
    }

    private ApiError unknownModel(String name) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model", "the model '" + HttpWire.forLog(name)
                + "' does not exist; this server serves '" + String.join("', '", servedNames()) + "'");
    }

    /** The base model's name, then the runtime adapters' in order. */
    private List<String> servedNames() {
        List<String> all = new ArrayList<>(List.of(options.modelName()));
        all.addAll(new TreeSet<>(loras.keySet()));
        return all;
    }

    /** The forward of a served name, on the model worker (where adapters are added and removed). */
    private Forward pass(String served) {
        if (served.equals(options.modelName())) {
            return basePass;
        }
        String adapter = loras.get(served);
        if (adapter == null) { // unloaded while the request waited
            throw unknownModel(served);
        }
        return model.with(adapter);
    }

    private long[] encode(String prompt, SamplingParams params, String param) {
        long room = checkRoom(0, params, param);
        if (prompt.length() > room * MAX_CHARS_PER_TOKEN) { // cannot fit whatever it encodes to: refuse before tokenising
            throw ApiError.badParam(param, "this model's maximum context length is " + model.config().maxPositionEmbeddings()
                    + " tokens; the prompt has " + prompt.length() + " characters, more than " + room
                    + " tokens can hold with max_tokens " + params.maxNewTokens());
        }
        long[] ids = tokenizer.encode(prompt);
        if (ids.length == 0) {
            throw ApiError.bad("the prompt encodes to no tokens");
        }
        checkRoom(ids.length, params, param);
        return ids;
    }

    /** The prompt tokens the context leaves room for; a 400 when {@code promptTokens} (0: not known yet) do not fit. */
    private long checkRoom(int promptTokens, SamplingParams params, String param) {
        int limit = model.config().maxPositionEmbeddings();
        long room = (long) limit - params.maxNewTokens();
        if (room < 1) {
            throw ApiError.badParam("max_tokens", "this model's maximum context length is " + limit
                    + " tokens; max_tokens is " + params.maxNewTokens());
        }
        if (promptTokens > room) {
            throw ApiError.badParam("max_tokens", "this model's maximum context length is " + limit + " tokens; the "
                    + param + " has " + promptTokens + " tokens and max_tokens is " + params.maxNewTokens());
        }
        return room;
    }

    private Generation generate(long[] ids, SamplingParams params, String served, Socket s) {
        return await(submit(() -> new Generator(pass(served), tokenizer).generate(List.of(ids), params).get(0)), s);
    }

    /** Queues work for the model worker: 429 when the queue is full, 503 while shutting down. */
    private <T> Future<T> submit(Callable<T> work) {
        try {
            return worker.submit(work);
        } catch (RejectedExecutionException e) {
            if (closing) {
                throw new ApiError(503, "server_error", null, "the server is shutting down");
            }
            throw new ApiError(429, "rate_limit_error", "queue_full", "the generation queue is full (" + options.maxQueued()
                    + " waiting); retry later");
        }
    }

    /** Waits for the model worker while watching the client; cancels the work when the client goes away. */
    private <T> T await(Future<T> f, Socket s) {
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
            if (c instanceof ApiError a) {
                throw a;
            }
            if (c instanceof IllegalArgumentException) {
                throw ApiError.bad(c.getMessage());
            }
            throw new IllegalStateException(c.getClass().getSimpleName() + ": " + c.getMessage(), c);
        }
    }

    // ---- runtime LoRA adapters (vLLM's shapes) -------------------------------------------------------------------

    /**
     * {@code {"lora_name", "lora_path"}}: reads the PEFT folder at {@code lora_path} (on this machine) as a new adapter
     * over the base weights, served as {@code model: lora_name}. A folder this model cannot take (missing files, a
     * config PEFT would not write, wrong shapes, non-finite values) is a 400 naming the file and the problem.
     */
    private ObjectNode loadLora(ObjectNode req, Socket s) {
        requireLoraLoading();
        String name = loraName(req);
        if (name.equals(options.modelName()) || loras.containsKey(name)) {
            throw ApiError.badParam("lora_name", "the lora adapter '" + name + "' has already been loaded"
                    + (name.equals(options.modelName()) ? " (it is the base model's name)" : "; unload it first"));
        }
        JsonNode p = req.get("lora_path");
        if (p == null || !p.isTextual() || p.asText().isBlank()) {
            throw ApiError.badParam("lora_path", "'lora_path' must be the path of a PEFT adapter folder on the server");
        }
        Path dir;
        try {
            dir = Path.of(p.asText());
        } catch (InvalidPathException e) {
            throw ApiError.badParam("lora_path", "'lora_path' is not a valid path: " + HttpWire.forLog(e.getMessage()));
        }
        if (!Files.isDirectory(dir)) {
            throw ApiError.badParam("lora_path", "'lora_path' " + HttpWire.forLog(p.asText()) + " is not a folder on the server");
        }
        String adapter = "lora-" + loraSeq.incrementAndGet();
        await(submit(() -> {
            try {
                PeftAdapters.load(model, adapter, dir);
            } catch (RuntimeException e) {
                throw ApiError.badParam("lora_path", "cannot load " + HttpWire.forLog(p.asText()) + ": " + HttpWire.forLog(e.getMessage()));
            }
            if (loras.putIfAbsent(name, adapter) != null) { // a concurrent load of the same name won
                model.removeAdapter(adapter);
                throw ApiError.badParam("lora_name", "the lora adapter '" + name + "' has already been loaded; unload it first");
            }
            return null;
        }), s);
        LOG.log(System.Logger.Level.INFO, "loaded LoRA adapter '" + name + "' from " + HttpWire.forLog(p.asText()));
        return JSON.createObjectNode().put("status", "ok").put("lora_name", name)
                .put("message", "Success: LoRA adapter '" + name + "' added successfully.");
    }

    /** {@code {"lora_name"}}: frees an adapter {@link #loadLora} loaded; 404 when there is none of that name. */
    private ObjectNode unloadLora(ObjectNode req, Socket s) {
        requireLoraLoading();
        String name = loraName(req);
        await(submit(() -> {
            String adapter = loras.remove(name);
            if (adapter == null) {
                throw new ApiError(404, "invalid_request_error", "not_found", "lora_name",
                        "the lora adapter '" + name + "' cannot be found");
            }
            model.removeAdapter(adapter);
            return null;
        }), s);
        LOG.log(System.Logger.Level.INFO, "unloaded LoRA adapter '" + name + "'");
        return JSON.createObjectNode().put("status", "ok").put("lora_name", name)
                .put("message", "Success: LoRA adapter '" + name + "' removed successfully.");
    }

    private void requireLoraLoading() {
        if (!options.allowLoraLoading()) {
            throw new ApiError(404, "invalid_request_error", "not_found", "runtime LoRA loading is off on this server; "
                    + "start repo serve with --allow-lora-loading (vLLM: VLLM_ALLOW_RUNTIME_LORA_UPDATING=True)");
        }
    }

    private static String loraName(ObjectNode req) {
        JsonNode n = req.get("lora_name");
        if (n == null || !n.isTextual() || !n.asText().matches("[A-Za-z0-9_.:@+/-]{1,128}")) {
            throw ApiError.badParam("lora_name", "'lora_name' must be 1 to 128 characters of letters, digits and _.:@+/-, got "
                    + (n == null ? "nothing" : RequestFields.brief(n)));
        }
        return n.asText();
    }

    // ---- responses -------------------------------------------------------------------------------------------

    private ObjectNode envelope(String idPrefix, String object, String served) {
        return JSON.createObjectNode().put("id", idPrefix + UUID.randomUUID().toString().replace("-", ""))
                .put("object", object).put("created", Instant.now().getEpochSecond()).put("model", served);
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
