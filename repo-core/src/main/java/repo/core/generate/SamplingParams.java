package repo.core.generate;

import java.util.List;
import java.util.Set;

/**
 * How to pick the next token.
 *
 * @param maxNewTokens upper bound on generated tokens (stop token included)
 * @param greedy argmax decoding; when true temperature, topP and topK are ignored
 * @param temperature logits are divided by it before top-k/top-p (> 0)
 * @param topP nucleus mass kept, in (0, 1]; 1 keeps everything
 * @param topK keep only the k most likely tokens; 0 disables
 * @param seed seeds the sampler; the same seed, prompts and model give the same tokens
 * @param stopTokenIds Qwen3 ids of the tokens that end a sequence (kept in the ids, not in the text); with a task
 *     vocabulary the generator maps them to task ids
 * @param stopStrings texts that end a sequence (the text is cut before them)
 */
public record SamplingParams(int maxNewTokens, boolean greedy, float temperature, float topP, int topK, long seed,
                             Set<Long> stopTokenIds, List<String> stopStrings) {

    /** {@code <|endoftext|>} and {@code <|im_end|>}. */
    public static final Set<Long> QWEN_STOP_IDS = Set.of(151643L, 151645L);

    public SamplingParams {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        if (!greedy && !(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0 when sampling, got " + temperature + " (use greedy for argmax)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 disables it), got " + topK);
        }
        stopTokenIds = Set.copyOf(stopTokenIds == null ? QWEN_STOP_IDS : stopTokenIds);
        stopStrings = List.copyOf(stopStrings == null ? List.of() : stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, true, 1f, 1f, 0, 0, QWEN_STOP_IDS, List.of());
    }

    /** Qwen3's recommended non-thinking sampling: temperature 0.7, top-p 0.8, top-k 20. */
    public static SamplingParams sample(int maxNewTokens, long seed) {
        return new SamplingParams(maxNewTokens, false, 0.7f, 0.8f, 20, seed, QWEN_STOP_IDS, List.of());
    }

    public SamplingParams withStopStrings(List<String> stops) {
        return new SamplingParams(maxNewTokens, greedy, temperature, topP, topK, seed, stopTokenIds, stops);
    }
}
