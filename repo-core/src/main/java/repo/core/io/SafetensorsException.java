package repo.core.io;

import java.nio.file.Path;

/**
 * A safetensors file or a Hugging Face checkpoint folder that cannot be read as it stands.
 *
 * <p>The message always names the file, the tensor when one is involved, what is wrong, and what would be right.
 */
public final class SafetensorsException extends RuntimeException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error about {@code file}, and about {@code tensor} when it is not null. */
    static SafetensorsException of(Path file, String tensor, String problem) {
        return new SafetensorsException(prefix(file, tensor) + problem);
    }

    static SafetensorsException of(Path file, String tensor, String problem, Throwable cause) {
        return new SafetensorsException(prefix(file, tensor) + problem, cause);
    }

    /**
     * A parser's message on one line: Jackson's own text without its multi-line source excerpt, with line and column;
     * any other message cut at its first line break.
     */
    public static String oneLine(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            String msg = String.valueOf(j.getOriginalMessage()).lines().findFirst().orElse("");
            return at == null ? msg : msg + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        String msg = String.valueOf(e.getMessage());
        return msg.lines().findFirst().orElse(msg);
    }

    private static String prefix(Path file, String tensor) {
        return file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ");
    }
}
