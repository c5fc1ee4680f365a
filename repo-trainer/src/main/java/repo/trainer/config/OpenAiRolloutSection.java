package repo.trainer.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server that samples RL replies under {@code rollout.backend: openai}. After every policy update the trainer
 * writes the policy adapter as a PEFT folder under {@code adapter_dir}, has the server load it
 * ({@code POST /v1/load_lora_adapter}) and requests completions with {@code model} set to its name; the previous
 * version is unloaded and its folder deleted. Keys come only from the environment variable {@code api_key_env} names.
 *
 * @param baseUrl the API root including {@code /v1}, e.g. {@code http://rollout-node:8000/v1}
 * @param apiKeyEnv the NAME of the environment variable holding the server's bearer key; absent for a keyless server
 * @param adapterDir where adapter versions are written; the server must read the same path (a shared file system
 *     when it runs on another machine)
 * @param loraName the adapters' name stem: versions are served as {@code <lora_name>-<run>-<n>} [policy]
 * @param timeoutMs the most one request (one reply, or one adapter load) may take [600000]
 * @param maxRetries extra attempts after a 429, 5xx, timeout or I/O error of a completion (adapter loads retry 429 only) [2]
 * @param concurrency completion requests in flight at once, one prompt each [8]
 */
public record OpenAiRolloutSection(@JsonProperty("base_url") URI baseUrl, @JsonProperty("api_key_env") String apiKeyEnv,
                                   @JsonProperty("adapter_dir") Path adapterDir, @JsonProperty("lora_name") String loraName,
                                   @JsonProperty("timeout_ms") Integer timeoutMs, @JsonProperty("max_retries") Integer maxRetries,
                                   Integer concurrency) {
    private static final String KEY = "rollout.openai.";

    public OpenAiRolloutSection {
        if (baseUrl == null || baseUrl.getScheme() == null || !baseUrl.getScheme().matches("https?") || baseUrl.getHost() == null) {
            throw new ConfigError(KEY + "base_url", baseUrl == null ? "missing" : "\"" + baseUrl + "\" is not an http(s) URL",
                    "the server's API root, such as http://127.0.0.1:8000/v1");
        }
        if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigError(KEY + "api_key_env", "is not a variable name",
                    "the NAME of an environment variable holding the key (e.g. REPO_ROLLOUT_KEY), never the key itself");
        }
        Check.require(adapterDir != null, KEY + "adapter_dir", "a folder the trainer writes adapters to and the server reads");
        loraName = loraName == null ? "policy" : loraName;
        if (!loraName.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ConfigError(KEY + "lora_name", "\"" + loraName + "\" is not a plain name", "1 to 64 letters, digits, _ or -");
        }
        timeoutMs = Check.integer(KEY + "timeout_ms", timeoutMs, 600_000, 1, 86_400_000);
        maxRetries = Check.integer(KEY + "max_retries", maxRetries, 2, 0, 20);
        concurrency = Check.integer(KEY + "concurrency", concurrency, 8, 1, 1024);
    }

    public Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }
}
