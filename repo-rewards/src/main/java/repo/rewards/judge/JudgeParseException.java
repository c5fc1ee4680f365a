package repo.rewards.judge;

/** The judge's answer is not the strict JSON the rubric asks for; the message says what is wrong. */
public final class JudgeParseException extends Exception {
    public JudgeParseException(String message) {
        super(message);
    }
}
