package repo.trainer.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import repo.core.generate.FinishReason;
import repo.core.generate.Generation;
import repo.core.generate.SamplingParams;
import repo.core.io.PeftAdapters;
import repo.core.text.QwenTokenizer;
import repo.rewards.judge.ApiKeys;
import repo.rewards.judge.FailureKind;
import repo.rewards.judge.OpenAiEndpoint;
import repo.trainer.common.Checkpoints;
import repo.trainer.config.OpenAiRolloutSection;

/**
 * Replies sampled by an OpenAI-compatible completions server: {@code repo serve --allow-lora-loading}, or vLLM
 * started with {@code --enable-lora} and {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=True}.
 *
 * <p>Publishing: the first {@link #generate} and the first after each {@link #policyChanged} write the policy adapter
 * as a PEFT folder {@code adapter_dir/<lora_name>-<run>-<n>} (aside, then renamed), have the server load it
 * ({@code POST /v1/load_lora_adapter {"lora_name", "lora_path"}}), then unload the previous version
 * ({@code /v1/unload_lora_adapter}) and delete its folder. {@code <run>} is random per trainer process, so a resumed
 * run or a second trainer never collides with names a server still holds.
 *
 * <p>Sampling: one {@code POST /v1/completions} per prompt with the prompt as token ids, {@code model} the current
 * adapter's name, the step's sampling settings ({@code temperature} 0 for greedy) and a seed per prompt; the reply's
 * token ids are read from {@code choices[0].token_ids} ({@code return_token_ids}) or else from
 * {@code logprobs.tokens} written as {@code "token_id:N"} ({@code return_tokens_as_token_ids}). The server's
 * log-probs are kept in {@link Generation#logProbs} for comparison only; the trainer recomputes its own.
 *
 * <p>Failures: a completion that meets a 429, 5xx, timeout or I/O error is retried ({@code max_retries}, backoff
 * with jitter, Retry-After honoured); what remains, and any refusal to load an adapter, is an {@link IOException}
 * naming the server, the request and the (redacted) reason, which stops the run.
 */
final class RemoteRollouts implements RolloutEngine {
    private static final System.Logger LOG = System.getLogger(RemoteRollouts.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BACKOFF = Duration.ofMillis(500), MAX_BACKOFF = Duration.ofSeconds(10);

    /** Writes the current policy adapter as a PEFT folder. */
    @FunctionalInterface
    interface AdapterWriter {
        void write(Path dir) throws IOException;
    }

    private final OpenAiRolloutSection config;
    private final QwenTokenizer tokenizer;
    private final int vocab;
    private final AdapterWriter writer;
    private final OpenAiEndpoint endpoint;
    private final ThreadPoolExecutor pool;
    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private int version;
    private String served;       // the adapter name the server holds now, null before the first publish
    private Path servedDir;
    private boolean stale = true; // the policy changed since the last publish

    /**
     * @param vocab the model's vocabulary size: token ids the server returns must lie below it
     * @param env looks up environment variables ({@code System::getenv} in production)
     */
    RemoteRollouts(OpenAiRolloutSection config, QwenTokenizer tokenizer, int vocab, AdapterWriter writer,
                   Function<String, String> env) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.writer = writer;
        this.endpoint = new OpenAiEndpoint(config.baseUrl(), ApiKeys.read(config.apiKeyEnv(), null, env,
                "rollout.openai.api_key_env"), config.timeout());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "rollout-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // idle between steps costs no threads
    }

    @Override
    public void policyChanged() {
        stale = true;
    }

    /** The adapter name completions are requested with now (null before the first publish). */
    String served() {
        return served;
    }

    @Override
    public List<Generation> generate(List<long[]> prompts, SamplingParams params) throws IOException {
        if (stale) {
            publish();
        }
        List<Future<Generation>> futures = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            long[] ids = prompts.get(i);
            long seed = params.seed() + i; // one seeded stream per prompt, as a batch row has one locally
            futures.add(pool.submit(() -> complete(ids, params, seed)));
        }
        List<Generation> out = new ArrayList<>();
        try {
            for (Future<Generation> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for rollouts from " + endpoint.resolve("completions"));
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(endpoint.redact(String.valueOf(e.getCause())), e.getCause());
        }
        return out;
    }

    // ---- publishing the policy ------------------------------------------------------------------------------

    private void publish() throws IOException {
        long t0 = System.nanoTime();
        String name = config.loraName() + "-" + run + "-" + (++version);
        Path dir = config.adapterDir().resolve(name).toAbsolutePath();
        writer.write(dir);
        ObjectNode body = JSON.createObjectNode().put("lora_name", name).put("lora_path", dir.toString());
        OpenAiEndpoint.Reply r = post("load_lora_adapter", body, false);
        if (!r.ok()) {
            deleteQuietly(dir);
            throw new IOException("the rollout server " + endpoint.resolve("load_lora_adapter") + " did not load adapter '"
                    + name + "' from " + dir + ": " + reason(r) + hint(r));
        }
        String previous = served;
        Path previousDir = servedDir;
        served = name;
        servedDir = dir;
        stale = false;
        if (previous != null) {
            OpenAiEndpoint.Reply u = post("unload_lora_adapter", JSON.createObjectNode().put("lora_name", previous), false);
            if (!u.ok()) { // the server keeps serving the new one; the old one only costs its memory
                LOG.log(System.Logger.Level.WARNING, "rollouts: could not unload adapter '" + previous + "': " + reason(u));
            }
            deleteQuietly(previousDir);
        }
        LOG.log(System.Logger.Level.INFO, "rollouts: adapter '" + name + "' loaded on " + config.baseUrl() + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private static String hint(OpenAiEndpoint.Reply r) {
        return r.status() == 404 ? " (runtime LoRA loading must be on: repo serve --allow-lora-loading, or vLLM with "
                + "--enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True)" : "";
    }

    private static void deleteQuietly(Path dir) {
        try {
            Checkpoints.deleteTree(dir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "rollouts: could not delete " + dir + ": " + e.getMessage());
        }
    }

    // ---- one completion -------------------------------------------------------------------------------------

    private Generation complete(long[] prompt, SamplingParams p, long seed) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("model", served);
        ArrayNode ids = body.putArray("prompt");
        for (long id : prompt) {
            ids.add(id);
        }
        body.put("max_tokens", p.maxNewTokens());
        body.put("temperature", p.greedy() ? 0.0 : p.temperature());
        body.put("top_p", p.topP());
        if (p.topK() > 0) {
            body.put("top_k", p.topK());
        }
        body.put("seed", seed);
        ArrayNode stops = body.putArray("stop_token_ids"); // Qwen3 ids, as vLLM and repo serve read them
        p.stopTokenIds().stream().sorted().forEach(stops::add);
        if (!p.stopStrings().isEmpty()) {
            ArrayNode s = body.putArray("stop");
            p.stopStrings().forEach(s::add);
        }
        body.put("logprobs", 0);
        body.put("return_tokens_as_token_ids", true);
        body.put("return_token_ids", true);
        body.put("stream", false);
        OpenAiEndpoint.Reply r = post("completions", body, true);
        if (!r.ok()) {
            throw new IOException("rollout request to " + endpoint.resolve("completions") + " (model '" + served + "') failed: "
                    + reason(r));
        }
        return parse(prompt, r.body(), tokenizer.modelIds(p.stopTokenIds()));
    }

    /**
     * The generation in a completions reply, {@code stopIds} the request's stop tokens in the model's id space; a reply
     * without token ids, or with ids out of range, is an IOException.
     */
    Generation parse(long[] prompt, String body, Set<Long> stopIds) throws IOException {
        JsonNode choice;
        try {
            choice = JSON.readTree(body).path("choices").path(0);
        } catch (IOException e) {
            throw malformed("a body that is not JSON", body);
        }
        JsonNode tokenIds = choice.get("token_ids"), logprobs = choice.path("logprobs");
        JsonNode tokens = logprobs.get("tokens"), values = logprobs.get("token_logprobs");
        long[] ids;
        if (tokenIds != null && tokenIds.isArray()) {
            ids = new long[tokenIds.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokenId(tokenIds.get(i).isIntegralNumber() ? tokenIds.get(i).asLong() : -1, body);
            }
        } else if (tokens != null && tokens.isArray()) {
            ids = new long[tokens.size()];
            for (int i = 0; i < ids.length; i++) {
                String t = tokens.get(i).asText("");
                if (!t.startsWith("token_id:")) {
                    throw malformed("logprobs.tokens[" + i + "] not written as \"token_id:N\"", body);
                }
                try {
                    ids[i] = tokenId(Long.parseLong(t.substring("token_id:".length())), body);
                } catch (NumberFormatException e) {
                    throw malformed("logprobs.tokens[" + i + "] not written as \"token_id:N\"", body);
                }
            }
        } else {
            throw malformed("no token ids (neither choices[0].token_ids nor logprobs.tokens as \"token_id:N\"; "
                    + "the server must honour return_token_ids or return_tokens_as_token_ids with logprobs)", body);
        }
        float[] lp = new float[ids.length];
        for (int i = 0; i < lp.length; i++) {
            JsonNode v = values == null ? null : values.get(i);
            lp[i] = v != null && v.isNumber() ? v.floatValue() : Float.NaN;
        }
        String finish = choice.path("finish_reason").asText("");
        FinishReason why = finish.equals("length") ? FinishReason.LENGTH
                : ids.length > 0 && stopIds.contains(ids[ids.length - 1]) ? FinishReason.STOP_TOKEN : FinishReason.STOP_STRING;
        return new Generation(prompt.clone(), ids, tokenizer.decode(ids, true), lp, why);
    }

    private long tokenId(long id, String body) throws IOException {
        if (id < 0 || id >= vocab) {
            throw malformed("token id " + id + " outside this model's vocabulary [0, " + vocab + "): is the server serving "
                    + "the same base model?", body);
        }
        return id;
    }

    private IOException malformed(String what, String body) {
        return new IOException("rollout reply from " + endpoint.resolve("completions") + " has " + what + ": "
                + endpoint.snippet(body));
    }

    /**
     * POSTs with retries: a completion (idempotent) retries every retryable failure, an adapter load or unload only a
     * 429 (nothing was done), so a load is never repeated after the server may have carried it out.
     */
    private OpenAiEndpoint.Reply post(String path, ObjectNode body, boolean idempotent) throws IOException {
        String json = body.toString();
        OpenAiEndpoint.Reply r = null;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(OpenAiEndpoint.backoffMillis(attempt, r.retryAfterMillis(), BACKOFF, MAX_BACKOFF));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting to retry " + endpoint.resolve(path));
                }
            }
            r = endpoint.post(path, json);
            boolean retry = !r.ok() && (idempotent ? r.failure().retryable() : r.failure() == FailureKind.RATE_LIMITED);
            if (!retry) {
                return r;
            }
            LOG.log(System.Logger.Level.WARNING, "rollouts: " + path + " attempt " + (attempt + 1) + " failed: " + reason(r));
        }
        return r;
    }

    private static String reason(OpenAiEndpoint.Reply r) {
        return "[" + r.failure().label() + "] " + r.message();
    }
}
