package repo.rewards.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import repo.rewards.api.PromptRenderer;
import repo.rewards.api.Sample;

/** Reads prompt files (JSON Lines) into {@link Sample}s with a task's {@link PromptRenderer}. */
public final class Samples {
    private Samples() {
    }

    /**
     * One prompt sample per non-blank line: the line is the sample's metadata, {@code id} (a string or number) its
     * id, and {@code renderer} makes its messages. A bad line fails with {@code FILE:LINE: what is wrong}.
     */
    public static List<Sample> readPrompts(Path file, PromptRenderer renderer) {
        List<String> lines = lines(file);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(prompt(lines.get(i), renderer, file + ":" + (i + 1)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no prompts; expected one JSON object per line");
        }
        return out;
    }

    /** The lines of a UTF-8 file; a read error names the file. */
    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Sample prompt(String line, PromptRenderer renderer, String where) {
        JsonNode node;
        try {
            node = ScoredItems.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException(where + ": expected a JSON object, got " + node.getNodeType());
        }
        JsonNode id = o.get("id");
        try {
            return Sample.prompt(id == null || id.isNull() ? null : id.asText(), renderer.messages(o), o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
