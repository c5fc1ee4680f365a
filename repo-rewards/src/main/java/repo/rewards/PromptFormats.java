package repo.rewards;

import repo.rewards.api.PromptRenderer;
import repo.rewards.ota.OtaTask;

/**
 * The prompt file formats the CLI reads without code: {@code {"messages": [...]}} lines ({@link PromptRenderer#MESSAGES})
 * and the OTA task's {@code {"task": {...}, "history": [...]}} lines ({@link OtaTask#RENDERER}). Embedding
 * applications pass their own {@link PromptRenderer} instead.
 */
public final class PromptFormats {
    private PromptFormats() {
    }

    /** Per line: {@code messages} when the line has that key, else the OTA task format. */
    public static final PromptRenderer AUTO = record -> record.has("messages") ? PromptRenderer.MESSAGES.messages(record)
            : OtaTask.RENDERER.messages(record);
}
