package repo.core.generate;

/**
 * One generated continuation.
 *
 * @param promptIds (P) the prompt as given, without padding
 * @param ids (A) generated token ids, the stop token included when there was one
 * @param text decoded reply, special tokens skipped, cut before a stop string
 * @param logProbs (A) log-probability of each generated token under the model (temperature 1, no filtering)
 * @param finishReason why generation ended
 */
public record Generation(long[] promptIds, long[] ids, String text, float[] logProbs, FinishReason finishReason) {
}
