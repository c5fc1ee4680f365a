package repo.rewards.judge;

/** Which judge {@link JudgeFactory} builds. */
public enum JudgeBackend {
    /** Any OpenAI-compatible {@code /v1/chat/completions} endpoint: vLLM, DashScope, OpenAI, {@code repo serve}. */
    OPENAI,
    /** An in-process Qwen3 checkpoint of this library, greedy, thinking off. */
    LOCAL,
    /** Deterministic keyword heuristics per rubric item, for runs without an LLM; results are labelled offline. */
    OFFLINE_RULES
}
