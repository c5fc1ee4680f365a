package repo.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * How to build a judge, read from YAML. Relative paths are resolved against the config file's folder.
 *
 * <pre>{@code
 * backend: openai                  # openai | local | offline_rules
 * rubric: judge-rubric.yaml        # optional; the built-in OTA rubric when absent
 * language: zh                     # optional, instead of rubric: the built-in rubric in en (default) or zh
 * openai:
 *   base_url: http://127.0.0.1:8000/v1
 *   model: qwen3-32b
 *   api_key_env: REPO_JUDGE_API_KEY  # the NAME of an environment variable; omit for a keyless local server
 *   # api_key_file: judge.key        # or a file holding only the key (not both)
 *   temperature: 0
 *   max_tokens: 1024
 *   timeout_ms: 60000
 *   max_retries: 3                   # attempts = 1 + max_retries
 *   initial_backoff_ms: 500
 *   max_backoff_ms: 10000
 *   concurrency: 8
 *   cache: true
 *   cache_file: judge-cache.jsonl    # optional on-disk persistence of the cache
 *   extra_body: {chat_template_kwargs: {enable_thinking: false}}
 * local:
 *   model: /models/qwen3-8b
 *   device: cpu
 *   max_new_tokens: 1024
 *   batch_size: 4
 * }</pre>
 *
 * @param backend which judge to build
 * @param rubric the rubric file, or null for the built-in rubric in {@code language}
 * @param language the built-in rubric's language ({@link Rubric#LANGUAGES}); "en" by default. Only without a rubric file.
 * @param openai settings of the OPENAI backend (null when another backend is chosen and the block is absent)
 * @param local settings of the LOCAL backend (idem)
 */
public record JudgeConfig(JudgeBackend backend, Path rubric, String language, OpenAi openai, Local local) {

    public JudgeConfig {
        language = language == null ? "en" : language;
        if (!Rubric.LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("judge config: language '" + language + "' has no built-in rubric; expected one of "
                    + String.join(", ", Rubric.LANGUAGES));
        }
        if (backend == null) {
            throw new IllegalArgumentException("judge config: backend is required (openai, local or offline_rules)");
        }
        if (backend == JudgeBackend.OPENAI && openai == null) {
            throw new IllegalArgumentException("judge config: backend openai needs an 'openai' block (base_url, model, ...)");
        }
        if (backend == JudgeBackend.LOCAL && local == null) {
            throw new IllegalArgumentException("judge config: backend local needs a 'local' block (model, ...)");
        }
    }

    /** The offline rules judge over the built-in rubric. */
    public static JudgeConfig offlineRules() {
        return new JudgeConfig(JudgeBackend.OFFLINE_RULES, null, null, null, null);
    }

    /** The rubric this config names, or the built-in one in its language. */
    public Rubric loadRubric() {
        return rubric == null ? Rubric.builtin(language) : Rubric.load(rubric);
    }

    /**
     * Settings of an OpenAI-compatible endpoint.
     *
     * @param baseUrl the API root including {@code /v1}, as OpenAI SDKs take it; requests go to {@code baseUrl/chat/completions}
     * @param model the model name sent in each request
     * @param apiKeyEnv name of the environment variable holding the API key; null sends no Authorization header.
     *     The key itself never appears in configs, logs, exceptions, results or caches.
     * @param temperature sampling temperature; 0 for a judge
     * @param maxTokens upper bound on the answer length
     * @param timeout per-attempt limit for the whole exchange (connect, headers and body)
     * @param maxRetries extra attempts after a retryable failure (429, 5xx, timeout, I/O, malformed body, unparsable answer)
     * @param initialBackoff the wait before the first retry; doubled per retry, with jitter
     * @param maxBackoff cap on any wait, Retry-After included
     * @param concurrency the most requests in flight at once, across all callers of one judge
     * @param cache whether answers are cached in memory
     * @param cacheFile optional JSONL file the cache is loaded from and appended to
     * @param extraBody JSON fields merged into every request body (e.g. vLLM's {@code chat_template_kwargs}); may be null
     * @param apiKeyFile a file holding only the API key, the alternative to {@code apiKeyEnv}; null for none
     */
    public record OpenAi(URI baseUrl, String model, String apiKeyEnv, double temperature, int maxTokens, Duration timeout,
                         int maxRetries, Duration initialBackoff, Duration maxBackoff, int concurrency, boolean cache,
                         Path cacheFile, ObjectNode extraBody, Path apiKeyFile) {
        private static final Set<String> RESERVED = Set.of("model", "messages", "temperature", "max_tokens", "stream", "n");

        public OpenAi {
            if (baseUrl == null || baseUrl.getScheme() == null
                    || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https")) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("openai.base_url must be an http(s) URL such as http://127.0.0.1:8000/v1, got " + baseUrl);
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("openai.model is required (the model name the endpoint serves)");
            }
            if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("openai.api_key_env must be the NAME of an environment variable (e.g. "
                        + "DASHSCOPE_API_KEY), not the key itself");
            }
            if (!(temperature >= 0 && temperature <= 2)) {
                throw new IllegalArgumentException("openai.temperature must be in [0, 2], got " + temperature);
            }
            if (maxTokens <= 0) {
                throw new IllegalArgumentException("openai.max_tokens must be > 0, got " + maxTokens);
            }
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("openai.timeout_ms must be > 0");
            }
            if (maxRetries < 0 || maxRetries > 20) {
                throw new IllegalArgumentException("openai.max_retries must be in [0, 20], got " + maxRetries);
            }
            if (initialBackoff == null || initialBackoff.isNegative() || maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("openai: need 0 <= initial_backoff_ms <= max_backoff_ms");
            }
            if (concurrency <= 0 || concurrency > 1024) {
                throw new IllegalArgumentException("openai.concurrency must be in [1, 1024], got " + concurrency);
            }
            if (extraBody != null) {
                for (String k : RESERVED) {
                    if (extraBody.has(k)) {
                        throw new IllegalArgumentException("openai.extra_body must not set '" + k + "': the judge sets it");
                    }
                }
                extraBody = extraBody.deepCopy();
            }
            if (apiKeyEnv != null && apiKeyFile != null) {
                throw new IllegalArgumentException("openai: set api_key_env or api_key_file, not both");
            }
        }

        /** Without a key file (the key, if any, comes from {@code apiKeyEnv}). */
        public OpenAi(URI baseUrl, String model, String apiKeyEnv, double temperature, int maxTokens, Duration timeout,
                      int maxRetries, Duration initialBackoff, Duration maxBackoff, int concurrency, boolean cache,
                      Path cacheFile, ObjectNode extraBody) {
            this(baseUrl, model, apiKeyEnv, temperature, maxTokens, timeout, maxRetries, initialBackoff, maxBackoff,
                    concurrency, cache, cacheFile, extraBody, null);
        }

        /** Defaults for everything but the endpoint: temperature 0, 1024 tokens, 60 s, 3 retries, 8 in flight, cache on. */
        public static OpenAi defaults(URI baseUrl, String model, String apiKeyEnv) {
            return new OpenAi(baseUrl, model, apiKeyEnv, 0, 1024, Duration.ofSeconds(60), 3, Duration.ofMillis(500),
                    Duration.ofSeconds(10), 8, true, null, null);
        }

        public OpenAi withRetries(int retries, Duration initial, Duration max) {
            return new OpenAi(baseUrl, model, apiKeyEnv, temperature, maxTokens, timeout, retries, initial, max, concurrency,
                    cache, cacheFile, extraBody, apiKeyFile);
        }

        public OpenAi withTimeout(Duration t) {
            return new OpenAi(baseUrl, model, apiKeyEnv, temperature, maxTokens, t, maxRetries, initialBackoff, maxBackoff,
                    concurrency, cache, cacheFile, extraBody, apiKeyFile);
        }

        public OpenAi withConcurrency(int n) {
            return new OpenAi(baseUrl, model, apiKeyEnv, temperature, maxTokens, timeout, maxRetries,
                    initialBackoff, maxBackoff, n, cache, cacheFile, extraBody, apiKeyFile);
        }

        public OpenAi withCache(boolean on, Path file) {
            return new OpenAi(baseUrl, model, apiKeyEnv, temperature, maxTokens, timeout, maxRetries, initialBackoff,
                    maxBackoff, concurrency, on, file, extraBody, apiKeyFile);
        }

        public OpenAi withMaxTokens(int n) {
            return new OpenAi(baseUrl, model, apiKeyEnv, temperature, n, timeout, maxRetries, initialBackoff, maxBackoff,
                    concurrency, cache, cacheFile, extraBody, apiKeyFile);
        }
    }

    /**
     * Settings of an in-process checkpoint.
     *
     * @param model Hugging Face Qwen3 checkpoint folder (config, safetensors, tokenizer)
     * @param device cpu, gpu or gpu:N
     * @param maxNewTokens upper bound on the answer length
     * @param batchSize prompts generated together by {@link Judge#judgeAll}
     */
    public record Local(Path model, String device, int maxNewTokens, int batchSize) {
        public Local {
            if (model == null) {
                throw new IllegalArgumentException("local.model is required (a Qwen3 checkpoint folder)");
            }
            device = device == null ? "cpu" : device;
            if (maxNewTokens <= 0) {
                throw new IllegalArgumentException("local.max_new_tokens must be > 0, got " + maxNewTokens);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("local.batch_size must be > 0, got " + batchSize);
            }
        }
    }

    /** Loads and validates a judge config; errors name the file and the key. */
    public static JudgeConfig load(Path file) {
        YamlFields y = YamlFields.read(file);
        Path base = file.toAbsolutePath().getParent();
        return fromYaml(y, base);
    }

    /** Parses judge config YAML; relative paths resolve against {@code baseDir}; {@code origin} names it in errors. */
    public static JudgeConfig parse(String yaml, String origin, Path baseDir) {
        return fromYaml(YamlFields.parse(yaml, origin), baseDir);
    }

    private static JudgeConfig fromYaml(YamlFields y, Path base) {
        y.allowOnly("backend", "rubric", "language", "openai", "local");
        String b = y.text("backend");
        JudgeBackend backend;
        try {
            backend = JudgeBackend.valueOf(b.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw y.error("backend", "'" + b + "' is not one of openai, local, offline_rules");
        }
        Path rubric = y.has("rubric") ? resolve(base, y.text("rubric")) : null;
        String language = y.text("language", null);
        if (language != null && rubric != null) {
            throw y.error("language", "selects a built-in rubric; a rubric file is given too (its template has its own language): "
                    + "keep one of rubric and language");
        }
        if (language != null && !Rubric.LANGUAGES.contains(language)) {
            throw y.error("language", "'" + language + "' has no built-in rubric; expected one of " + String.join(", ", Rubric.LANGUAGES));
        }
        OpenAi openai = null;
        YamlFields o = y.object("openai");
        if (o != null) {
            openai = wrap(o, () -> openAi(o, base));
        }
        Local local = null;
        YamlFields l = y.object("local");
        if (l != null) {
            l.allowOnly("model", "device", "max_new_tokens", "batch_size");
            local = wrap(l, () -> new Local(resolve(base, l.text("model")), l.text("device", "cpu"),
                    l.integer("max_new_tokens", 1024), l.integer("batch_size", 4)));
        }
        try {
            return new JudgeConfig(backend, rubric, language, openai, local);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(y.origin() + ": " + e.getMessage(), e);
        }
    }

    private static OpenAi openAi(YamlFields o, Path base) {
        o.allowOnly("base_url", "model", "api_key_env", "api_key_file", "temperature", "max_tokens", "timeout_ms", "max_retries",
                "initial_backoff_ms", "max_backoff_ms", "concurrency", "cache", "cache_file", "extra_body");
        URI url;
        try {
            url = new URI(o.text("base_url"));
        } catch (URISyntaxException e) {
            throw o.error("base_url", "not a URL: " + e.getMessage());
        }
        JsonNode extra = o.raw("extra_body");
        if (extra != null && !extra.isNull() && !extra.isObject()) {
            throw o.error("extra_body", "expected a mapping of JSON fields to merge into each request");
        }
        return new OpenAi(url, o.text("model"), o.text("api_key_env", null), o.number("temperature", 0),
                o.integer("max_tokens", 1024), Duration.ofMillis(o.positiveLong("timeout_ms", 60_000)),
                o.integer("max_retries", 3), Duration.ofMillis(o.integer("initial_backoff_ms", 500)),
                Duration.ofMillis(o.integer("max_backoff_ms", 10_000)), o.integer("concurrency", 8), o.bool("cache", true),
                o.has("cache_file") ? resolve(base, o.text("cache_file")) : null,
                extra == null || extra.isNull() ? null : (ObjectNode) extra,
                o.has("api_key_file") ? resolve(base, o.text("api_key_file")) : null);
    }

    private static <T> T wrap(YamlFields y, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(y.origin() + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(y.origin() + ": " + e.getMessage(), e);
        }
    }

    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
    }
}
