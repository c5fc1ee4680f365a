package repo.core.generate;

/** Why a generated sequence ended. */
public enum FinishReason {
    /** The model emitted a stop token ({@code <|im_end|>} or {@code <|endoftext|>} by default). */
    STOP_TOKEN,
    /** The decoded text reached one of the stop strings. */
    STOP_STRING,
    /** {@code maxNewTokens} was reached. */
    LENGTH;

    /** The name OpenAI-style APIs use: "stop" or "length". */
    public String openAiName() {
        return this == LENGTH ? "length" : "stop";
    }
}
