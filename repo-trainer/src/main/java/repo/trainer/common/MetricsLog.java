package repo.trainer.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code metrics.jsonl} of a run: one JSON object per line, written and flushed as each step ends.
 *
 * <p>A line holds {@code step}, {@code loss}, {@code lr}, {@code grad_norm}, {@code tokens_per_s} and then every
 * method-specific figure by its own name (for DPO, say, {@code reward_margin} and {@code accuracy}). A value that is
 * not finite (a NaN loss, an unknown gradient norm) is written as {@code null} and read back as NaN.
 *
 * <p>Steps never go down within a file. {@link #resume(Path, int)} truncates the file after the last line of the
 * resumed step, so that steps logged after that checkpoint (and then lost with the crash) are not logged twice.
 */
public final class MetricsLog implements Closeable {

    /** The fixed fields, in the order they are written. */
    public static final List<String> FIELDS = List.of("step", "loss", "lr", "grad_norm", "tokens_per_s");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.copyOf(FIELDS);

    /**
     * One line.
     *
     * @param step the optimizer update this line reports, {@code ≥ 0}
     * @param loss the training loss
     * @param lr the learning rate used
     * @param gradNorm the global gradient norm before clipping (NaN if not computed)
     * @param tokensPerS throughput
     * @param extra method-specific figures, by name; names must differ from {@link #FIELDS}
     */
    public record Entry(int step, double loss, double lr, double gradNorm, double tokensPerS,
                        Map<String, Double> extra) {
        /** This entry with {@code extra} in place of its method-specific figures. */
        public Entry withExtra(Map<String, Double> extra) {
            return new Entry(step, loss, lr, gradNorm, tokensPerS, extra);
        }

        /** Checks the names and copies the figures, keeping their order. */
        public Entry {
            if (step < 0) {
                throw new IllegalArgumentException("step is " + step + ": expected >= 0");
            }
            for (Map.Entry<String, Double> e : extra.entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty() || RESERVED.contains(e.getKey())) {
                    throw new IllegalArgumentException("metric name \"" + e.getKey()
                            + "\": expected a non-empty name other than " + FIELDS);
                }
                if (e.getValue() == null) {
                    throw new IllegalArgumentException("metric \"" + e.getKey() + "\" is null: expected a number");
                }
            }
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /** A line with no method-specific figures. */
        public Entry(int step, double loss, double lr, double gradNorm, double tokensPerS) {
            this(step, loss, lr, gradNorm, tokensPerS, Map.of());
        }

        String toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("step", step);
            put(node, "loss", loss);
            put(node, "lr", lr);
            put(node, "grad_norm", gradNorm);
            put(node, "tokens_per_s", tokensPerS);
            extra.forEach((name, value) -> put(node, name, value));
            return node.toString();
        }

        static Entry fromJson(JsonNode node) {
            JsonNode step = node.get("step");
            if (step == null || !step.canConvertToInt()) {
                throw new IllegalArgumentException("no integer \"step\"");
            }
            Map<String, Double> extra = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!RESERVED.contains(e.getKey())) {
                    extra.put(e.getKey(), number(e.getValue()));
                }
            });
            return new Entry(step.intValue(), number(node.get("loss")), number(node.get("lr")),
                    number(node.get("grad_norm")), number(node.get("tokens_per_s")), extra);
        }

        private static void put(ObjectNode node, String name, double value) {
            if (Double.isFinite(value)) {
                node.put(name, value);
            } else {
                node.putNull(name);
            }
        }

        private static double number(JsonNode value) {
            return value == null || !value.isNumber() ? Double.NaN : value.doubleValue();
        }
    }

    private final Path file;
    private final BufferedWriter out;
    private int lastStep;

    private MetricsLog(Path file, int lastStep) throws IOException {
        repo.core.io.SafeFiles.checkFileTarget(file); // appended to in place: never through a link or into a device
        this.file = file;
        this.lastStep = lastStep;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Starts the log of a new run, creating {@code file} (and its folder) or emptying an existing one.
     */
    public static MetricsLog create(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        repo.core.io.SafeFiles.checkFileTarget(file);
        Files.write(file, new byte[0]);
        return new MetricsLog(file, -1);
    }

    /**
     * Continues the log of a run resumed from the checkpoint of step {@code resumedStep}: every line from the first
     * one whose step is above {@code resumedStep} (or that cannot be parsed, such as a line torn by a crash) to the
     * end is cut off, and new lines are appended after what remains. A missing file is created.
     */
    public static MetricsLog resume(Path file, int resumedStep) throws IOException {
        if (!Files.exists(file)) {
            return create(file);
        }
        byte[] bytes = Files.readAllBytes(file);
        long keep = 0;
        int lastStep = -1;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end == bytes.length) {
                break; // no newline: a torn last line
            }
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            if (!line.isBlank()) {
                Entry entry;
                try {
                    entry = Entry.fromJson(JSON.readTree(line));
                } catch (IOException | IllegalArgumentException e) {
                    break;
                }
                if (entry.step() > resumedStep) {
                    break;
                }
                lastStep = entry.step();
            }
            keep = end + 1;
            start = end + 1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
            channel.force(true);
        }
        return new MetricsLog(file, lastStep);
    }

    /** The file written to. */
    public Path file() {
        return file;
    }

    /**
     * Appends one line and flushes it.
     *
     * @throws IllegalArgumentException if {@code entry.step()} is below the last step written
     */
    public void append(Entry entry) throws IOException {
        if (entry.step() < lastStep) {
            throw new IllegalArgumentException("step " + entry.step() + " after step " + lastStep
                    + ": expected steps that never go down");
        }
        out.write(entry.toJson());
        out.write('\n');
        out.flush();
        lastStep = entry.step();
    }

    /**
     * Reads a metrics file.
     *
     * @throws IllegalArgumentException naming {@code FILE:LINE} for a line that is not a metrics object
     */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                out.add(Entry.fromJson(JSON.readTree(lines.get(i))));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage()
                        + ": expected a metrics object with an integer \"step\"", e);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
