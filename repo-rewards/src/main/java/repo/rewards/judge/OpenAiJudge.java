package repo.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import repo.rewards.api.Finding;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.SourceResult;

/**
 * The rubric judge over any OpenAI-compatible {@code /v1/chat/completions} endpoint (vLLM, DashScope, OpenAI,
 * {@code repo serve}), with {@link java.net.http.HttpClient}.
 *
 * <p>One call: render the rubric prompt, look it up in the cache, else send it as one user message and parse the
 * answer strictly. A failed attempt (429, 5xx, timeout, I/O error, malformed body, or an answer the parser rejects)
 * is retried up to {@code max_retries} times with exponential backoff and jitter (Retry-After honoured, capped at
 * {@code max_backoff_ms}); other 4xx are not retried. What is left is a {@link SourceResult#failure} whose reason
 * starts with the failure kind, e.g. {@code [timeout] judge failed after 4 attempts: ...}, and is counted in
 * {@link #stats()}. Nothing is thrown to the caller.
 *
 * <p>At most {@code concurrency} requests are in flight across all threads that share the instance;
 * {@link #judgeAll} fans a batch out over that many workers.
 *
 * <p>The API key is read once from the environment variable or the file the config names ({@link ApiKeys}); a
 * config never holds the key itself. It is sent only as the {@code Authorization: Bearer} header. An endpoint may
 * echo it back (in an error body, escaped as JSON or URL-encoded, or cut short), so every response body, answer,
 * log line and failure reason passes through a {@link Redactor} before anything else (truncation included) sees it:
 * no run of 8 or more of its characters reaches a log, trace, cache or exception.
 */
public final class OpenAiJudge implements Judge {
    private static final System.Logger LOG = System.getLogger(OpenAiJudge.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "chat/completions";

    private final JudgeConfig.OpenAi config;
    private final Rubric rubric;
    private final String rubricHash;
    private final JudgeResponseParser parser;
    private final OpenAiEndpoint endpoint;
    private final Semaphore inFlight;
    private final ExecutorService workers;
    private final JudgeCache cache;
    private final JudgeCounters counters = new JudgeCounters();

    /**
     * @param env looks up environment variables (tests pass a map; production passes {@code System::getenv})
     * @throws IllegalArgumentException when {@code api_key_env} is set and the variable is missing or empty
     */
    public OpenAiJudge(JudgeConfig.OpenAi config, Rubric rubric, Function<String, String> env) {
        this.config = Objects.requireNonNull(config, "config");
        this.rubric = Objects.requireNonNull(rubric, "rubric");
        this.rubricHash = rubric.hash();
        this.parser = new JudgeResponseParser(rubric);
        this.endpoint = new OpenAiEndpoint(config.baseUrl(), ApiKeys.read(config.apiKeyEnv(), config.apiKeyFile(), env),
                config.timeout());
        this.inFlight = new Semaphore(config.concurrency(), true);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "judge-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.cache = config.cache() ? new JudgeCache(config.cacheFile()) : null;
        LOG.log(System.Logger.Level.INFO, "judge: " + endpoint.resolve(CHAT) + " model " + config.model() + ", rubric " + rubric.name()
                + " v" + rubric.version() + " (" + rubricHash.substring(0, 12) + "), "
                + (endpoint.hasKey() ? "API key from " + (config.apiKeyEnv() != null ? "$" + config.apiKeyEnv() : config.apiKeyFile())
                : "no API key") + ", concurrency " + config.concurrency()
                + ", retries " + config.maxRetries() + (cache == null ? ", no cache" : cache.size() > 0 ? ", " + cache.size() + " cached answers" : ""));
    }

    @Override
    public SourceResult judge(ScoredItem item) {
        long t0 = System.nanoTime();
        counters.calls.incrementAndGet();
        // what the endpoint can do wrong (HTTP errors, timeouts, unparsable answers) comes back as a failed result from
        // judgeOnce; anything thrown here is a bug and stops the run instead of becoming data
        return judgeOnce(item, t0);
    }

    private SourceResult judgeOnce(ScoredItem item, long t0) {
        String prompt = rubric.render(item);
        String key = JudgeCache.key(rubricHash, config.model(), prompt);
        if (cache != null) {
            var hit = cache.get(key);
            if (hit.isPresent()) {
                try {
                    List<Finding> findings = parser.findings(parser.parse(hit.get()), item.reply());
                    counters.cacheHits.incrementAndGet();
                    long ms = millisSince(t0);
                    counters.callSucceeded(ms);
                    return SourceResult.ok(sourceName(), JudgeResponseParser.points(findings), findings, ms);
                } catch (JudgeParseException e) {
                    // only parsed answers are stored, so this means a hand-edited file: ask the judge again
                }
            }
        }
        Attempt last = null;
        int attempts = 0;
        for (int i = 0; i <= config.maxRetries(); i++) {
            if (i > 0) {
                counters.retries.incrementAndGet();
                long wait = backoffMillis(i, last.retryAfterMillis());
                LOG.log(System.Logger.Level.WARNING, "judge attempt " + i + "/" + (config.maxRetries() + 1) + " failed ["
                        + last.kind().label() + "]: " + last.message() + "; retrying in " + wait + " ms");
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    last = Attempt.failed(FailureKind.INTERRUPTED, "interrupted while waiting to retry", -1);
                    break;
                }
            }
            attempts++;
            counters.attempts.incrementAndGet();
            last = send(prompt);
            if (last.content() != null) {
                try {
                    JudgeVerdict verdict = parser.parse(last.content());
                    List<Finding> findings = parser.findings(verdict, item.reply());
                    if (cache != null) {
                        cache.put(key, config.model(), last.content());
                    }
                    long ms = millisSince(t0);
                    counters.callSucceeded(ms);
                    return SourceResult.ok(sourceName(), JudgeResponseParser.points(findings), findings, ms);
                } catch (JudgeParseException e) {
                    last = Attempt.failed(FailureKind.PARSE, redact(e.getMessage()), -1);
                }
            }
            counters.attemptFailed(last.kind());
            if (!last.kind().retryable()) {
                break;
            }
        }
        long ms = millisSince(t0);
        counters.callFailed(last.kind(), ms);
        String reason = "[" + last.kind().label() + "] judge failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + ": " + last.message();
        LOG.log(System.Logger.Level.WARNING, (item.id() == null ? "" : "item " + item.id() + ": ") + reason);
        return SourceResult.failure(sourceName(), reason, ms);
    }

    /** Judges every item, at most {@code concurrency} at a time; one result per item, in order. */
    @Override
    public List<SourceResult> judgeAll(List<ScoredItem> items) {
        List<Future<SourceResult>> futures = new ArrayList<>(items.size());
        for (ScoredItem item : items) {
            futures.add(workers.submit(() -> judge(item)));
        }
        List<SourceResult> out = new ArrayList<>(items.size());
        for (Future<SourceResult> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                while (out.size() < items.size()) {
                    out.add(SourceResult.failure(sourceName(), "[" + FailureKind.INTERRUPTED.label() + "] batch interrupted", 0));
                }
                return out;
            } catch (ExecutionException e) { // a bug in judging one item: rethrown, never a score or a silent failure
                futures.forEach(x -> x.cancel(true));
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(redact(String.valueOf(e.getCause())), e.getCause());
            }
        }
        return out;
    }

    @Override
    public JudgeStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public String toString() {
        return "OpenAiJudge[" + endpoint.resolve(CHAT) + ", model " + config.model() + "]";
    }

    // ---- one HTTP attempt -------------------------------------------------------------------------------------

    /** The outcome of one attempt: content (success) or a failure kind with a redacted message. */
    private record Attempt(String content, FailureKind kind, String message, long retryAfterMillis) {
        static Attempt ok(String content) {
            return new Attempt(content, null, null, -1);
        }

        static Attempt failed(FailureKind kind, String message, long retryAfterMillis) {
            return new Attempt(null, kind, message, retryAfterMillis);
        }
    }

    private Attempt send(String prompt) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.failed(FailureKind.INTERRUPTED, "interrupted while waiting for a request slot", -1);
        }
        try {
            return interpret(endpoint.post(CHAT, requestBody(prompt)));
        } finally {
            inFlight.release();
        }
    }

    private String requestBody(String prompt) {
        ObjectNode body = JSON.createObjectNode();
        if (config.extraBody() != null) {
            body.setAll(config.extraBody().deepCopy());
        }
        body.put("model", config.model());
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        body.put("temperature", config.temperature());
        body.put("max_tokens", config.maxTokens());
        body.put("stream", false);
        return body.toString();
    }

    private Attempt interpret(OpenAiEndpoint.Reply reply) {
        if (!reply.ok()) {
            return Attempt.failed(reply.failure(), reply.message(), reply.retryAfterMillis());
        }
        String body = reply.body();
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return Attempt.failed(FailureKind.MALFORMED_BODY, "HTTP 200 with a body that is not JSON: " + snippet(body), -1);
        }
        JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            return Attempt.failed(FailureKind.MALFORMED_BODY, "HTTP 200 without choices[0].message.content: " + snippet(body), -1);
        }
        JsonNode usage = root.path("usage");
        counters.promptTokens.addAndGet(usage.path("prompt_tokens").asLong(0));
        counters.completionTokens.addAndGet(usage.path("completion_tokens").asLong(0));
        return Attempt.ok(redact(content.asText())); // an echoed key must not reach the parser, the cache or a trace
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Exponential backoff with equal jitter, or the server's Retry-After; both capped at max_backoff_ms. */
    long backoffMillis(int retry, long retryAfterMillis) {
        return OpenAiEndpoint.backoffMillis(retry, retryAfterMillis, config.initialBackoff(), config.maxBackoff());
    }

    private String snippet(String body) {
        return endpoint.snippet(body);
    }

    /** Removes the API key, whole, in part or encoded (see {@link Redactor}), from any text that may leave this class. */
    private String redact(String s) {
        return endpoint.redact(s);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
