package repo.rewards.judge;

/** Why one judge attempt failed. Each kind is counted separately in {@link JudgeStats}. */
public enum FailureKind {
    /** No complete response within the request timeout. */
    TIMEOUT(true),
    /** Connection refused or reset, truncated body, or another I/O error. */
    IO(true),
    /** HTTP 429: the endpoint asked us to slow down (Retry-After is honoured). */
    RATE_LIMITED(true),
    /** HTTP 5xx. */
    SERVER_ERROR(true),
    /** HTTP 4xx other than 429: a configuration error (bad key, wrong model name); retrying cannot help. */
    CLIENT_ERROR(false),
    /** HTTP 200 whose body is not an OpenAI chat completion (not JSON, no choices, no content). */
    MALFORMED_BODY(true),
    /** The judge's answer is not the rubric's strict JSON ({@link JudgeResponseParser}). */
    PARSE(true),
    /** The in-process model failed (e.g. the prompt does not fit its context). */
    GENERATION(false),
    /** The calling thread was interrupted. */
    INTERRUPTED(false),
    /** An unexpected exception inside the judge itself (a bug): reported, never thrown into training. */
    INTERNAL(false);

    private final boolean retryable;

    FailureKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** Lower-case name used in failure reasons, e.g. {@code [parse]}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
