package repo.trainer.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Lines readers that read and validate a whole file before returning, so that a bad line stops a run before
 * anything trains.
 *
 * <p>Each non-blank line must be exactly one JSON object (blank lines are skipped; a UTF-8 byte-order mark is
 * allowed). Every problem is an {@link IllegalArgumentException} whose message starts with {@code FILE:LINE: } and
 * says what is wrong and what was expected; line numbers count from 1.
 */
public final class Jsonl {

    /** Turns one parsed line into a record, throwing {@link IllegalArgumentException} for invalid content. */
    @FunctionalInterface
    public interface LineParser<T> {
        /** Parses {@code object}, a JSON object; the message of any exception is prefixed with {@code FILE:LINE: }. */
        T parse(JsonNode object);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Jsonl() {
    }

    /** Reads SFT dialogues (see {@link SftExample#fromJson(JsonNode)}). */
    public static List<SftExample> readSft(Path file) throws IOException {
        return read(file, SftExample::fromJson);
    }

    /** Reads preference pairs (see {@link PreferencePair#fromJson(JsonNode)}). */
    public static List<PreferencePair> readPreferences(Path file) throws IOException {
        return read(file, PreferencePair::fromJson);
    }

    /**
     * Reads every line of {@code file} with {@code parser}.
     *
     * @return the records, in file order; never empty
     * @throws IllegalArgumentException for a file without records, bad UTF-8, a line that is not one JSON object, or
     *     a line the parser rejects
     * @throws IOException if the file cannot be read
     */
    public static <T> List<T> read(Path file, LineParser<T> parser) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<T> out = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(
                        file + ":" + lineNo + ": not valid UTF-8: expected a UTF-8 text file", e);
            }
            start = end + 1;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parser.parse(parseObject(line)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + Math.max(1, lineNo)
                    + ": no records (the file is empty or blank): expected one JSON object per line");
        }
        return List.copyOf(out);
    }

    private static JsonNode parseObject(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage()
                    .replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "") + " at column "
                    + e.getLocation().getColumnNr() + "): expected one JSON object on the line");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("line is " + JsonFields.describe(node) + ": expected a JSON object");
        }
        return node;
    }
}
