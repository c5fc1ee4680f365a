package repo.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judge answers keyed by (rubric hash, model, rendered prompt), so the same reply in the same context is judged
 * once per rubric version and model. Only answers that passed the parser are stored. With a file, the cache is
 * loaded from it at start and every new answer is appended as one JSON line {@code {"key", "model", "content"}};
 * lines that do not parse are skipped (a run killed mid-write leaves at most one). Thread-safe.
 */
final class JudgeCache implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(JudgeCache.class.getName());

    private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();
    private final BufferedWriter out;
    private int skippedLines;

    JudgeCache(Path file) {
        if (file == null) {
            out = null;
            return;
        }
        try {
            repo.core.io.SafeFiles.checkFileTarget(file); // appended to in place: never through a link or into a device
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode n = JSON.readTree(line);
                        answers.put(n.get("key").asText(), n.get("content").asText());
                    } catch (IOException | RuntimeException e) {
                        skippedLines++;
                    }
                }
                if (skippedLines > 0) {
                    LOG.log(System.Logger.Level.WARNING, "judge cache " + file + ": skipped " + skippedLines + " unreadable line(s)");
                }
            } else if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("judge cache file " + file + ": " + e.getMessage(), e);
        }
    }

    static String key(String rubricHash, String model, String prompt) {
        return Rubric.sha256(rubricHash + '\u0000' + model + '\u0000' + prompt);
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(answers.get(key));
    }

    int size() {
        return answers.size();
    }

    void put(String key, String model, String content) {
        if (answers.putIfAbsent(key, content) != null || out == null) {
            return;
        }
        ObjectNode line = JSON.createObjectNode().put("key", key).put("model", model).put("content", content);
        synchronized (out) {
            try {
                out.write(JSON.writeValueAsString(line));
                out.newLine();
                out.flush();
            } catch (IOException e) {
                // the in-memory cache still works; persistence is best effort and says so
                LOG.log(System.Logger.Level.WARNING, "judge cache: could not append to file: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (out != null) {
            synchronized (out) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "judge cache: close failed: " + e.getMessage());
                }
            }
        }
    }
}
