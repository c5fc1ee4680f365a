package repo.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way the project reads YAML (run, pipeline, judge, rubric and rule configs): Jackson with a duplicate key
 * an error (never "last wins"), no string-to-number or fraction-to-integer coercion, unknown properties an error
 * when binding, and case-insensitive enums. Errors name the origin (a file) and the line.
 */
public final class StrictYaml {
    /** The shared strict mapper; bind with it or read trees with {@link #readTree}. */
    public static final ObjectMapper MAPPER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private StrictYaml() {
    }

    /**
     * Parses YAML text into a tree; an empty document gives {@code null}.
     *
     * @throws IllegalArgumentException {@code ORIGIN: line N: duplicate key "k"; expected each key once per mapping},
     *     or {@code ORIGIN: not valid YAML: ... (line N)}
     */
    public static JsonNode readTree(String yaml, String origin) {
        try {
            JsonNode n = MAPPER.readTree(yaml);
            return n == null || n.isMissingNode() || n.isNull() ? null : n;
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field '")) {
                String key = msg.substring("Duplicate field '".length(), msg.indexOf('\'', "Duplicate field '".length()));
                throw new IllegalArgumentException(origin + ": " + line + "duplicate key \"" + key
                        + "\"; expected each key once per mapping", e);
            }
            if (msg != null && msg.startsWith("Malformed numeric value")) { // .nan, .inf
                throw new IllegalArgumentException(origin + ": " + line + msg.substring("Malformed numeric value ".length())
                        + " is not a finite number; expected a finite number", e);
            }
            throw new IllegalArgumentException(origin + ": not valid YAML: " + msg
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
    }

    /** Reads a YAML file into a tree ({@code null} when empty); errors name the file. */
    public static JsonNode readTree(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not valid UTF-8 text; expected a UTF-8 YAML file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        return readTree(text, file.toString());
    }
}
