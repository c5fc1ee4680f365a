package repo.rewards.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * Reads and writes scored items as JSON lines:
 * {@code {"id": "...", "task": {...}, "history": [{"role": "agent"|"hotel", "content": "...", "sop_stage": 1-7}], "reply": "..."}}.
 *
 * <p>Reading validates the whole file before anything is scored: the first bad line throws an
 * {@link IllegalArgumentException} whose message is {@code FILE:LINE: what is wrong; expected ...}.
 * Keys other than {@code task}, {@code history} and {@code reply} (such as {@code id}) are kept in
 * {@link ScoredItem#extra()} and written back unchanged; {@code id} (a string or a number) also becomes
 * {@link ScoredItem#id()}. Blank lines are skipped.
 */
public final class ScoredItems {
    /** The shared mapper: snake_case keys from the records' annotations, nulls left out on write. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final Set<String> TURN_KEYS = Set.of("role", "content", "sop_stage");
    private static final String ITEM_SHAPE =
            "expected {\"task\": {...}, \"history\": [{\"role\": \"agent\"|\"hotel\", \"content\": \"...\"}], \"reply\": \"...\"}";

    private ScoredItems() {
    }

    /** Reads and validates every line of a JSONL file. */
    public static List<ScoredItem> read(Path file) {
        return read(file, false);
    }

    /**
     * Reads RL prompt items: the same lines without {@code "reply"} (the agent's next turn is to be generated);
     * the items come back with an empty reply.
     */
    public static List<ScoredItem> readPrompts(Path file) {
        return read(file, true);
    }

    private static List<ScoredItem> read(Path file, boolean prompts) {
        List<String> lines = Samples.lines(file);
        List<ScoredItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                items.add(prompts ? parsePrompt(line, file.toString(), i + 1) : parseLine(line, file.toString(), i + 1));
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + ": no items; " + ITEM_SHAPE + " on each line");
        }
        return items;
    }

    private static ScoredItem parsePrompt(String line, String where, int lineNumber) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return parseLine(line, where, lineNumber); // reports the JSON error
        }
        if (node instanceof ObjectNode o) {
            if (o.has("reply")) {
                throw new IllegalArgumentException(where + ":" + lineNumber + ": a prompt item has no \"reply\" (the policy "
                        + "generates it); expected {\"task\": {...}, \"history\": [...]}");
            }
            o.put("reply", "");
            return parseLine(o.toString(), where, lineNumber);
        }
        return parseLine(line, where, lineNumber);
    }

    /**
     * Parses one JSON line.
     *
     * @param where file name used in the message of a bad line
     * @param lineNumber 1-based line number used in the message of a bad line
     */
    public static ScoredItem parseLine(String line, String where, int lineNumber) {
        String at = where + ":" + lineNumber + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(at + "not valid JSON (" + e.getOriginalMessage() + "); " + ITEM_SHAPE);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(at + "not a JSON object; " + ITEM_SHAPE);
        }
        return parseNode((ObjectNode) node, at);
    }

    /** Parses an item from its JSON object; {@code at} (e.g. {@code "file:3: "}) starts every error message. */
    public static ScoredItem parseNode(ObjectNode node, String at) {
        JsonNode reply = node.get("reply");
        if (reply == null || reply.isNull()) {
            throw new IllegalArgumentException(at + "missing \"reply\"; expected the candidate agent reply as a string");
        }
        if (!reply.isTextual()) {
            throw new IllegalArgumentException(at + "\"reply\" is " + kind(reply) + "; expected a string");
        }
        JsonNode taskNode = node.get("task");
        if (taskNode == null || !taskNode.isObject()) {
            throw new IllegalArgumentException(at + (taskNode == null ? "missing \"task\"" : "\"task\" is " + kind(taskNode))
                    + "; expected an object {\"hotel\": {...}, \"tickets\": [...], ...}");
        }
        TaskInfo task = parseTask((ObjectNode) taskNode, at);
        List<Turn> history = parseHistory(node.get("history"), at);
        String id = null;
        JsonNode idNode = node.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
                throw new IllegalArgumentException(at + "\"id\" is " + kind(idNode) + "; expected a string or an integer");
            }
            id = idNode.asText();
        }
        ObjectNode extra = ((ObjectNode) node).deepCopy();
        extra.remove(List.of("task", "history", "reply"));
        return new ScoredItem(id, task, history, reply.asText(), extra);
    }

    private static TaskInfo parseTask(ObjectNode taskNode, String at) {
        JsonNode tickets = taskNode.get("tickets");
        if (tickets != null && tickets.isArray()) {
            for (int i = 0; i < tickets.size(); i++) {
                JsonNode t = tickets.get(i);
                for (String key : List.of("room_type", "sale_price", "net_price", "target_price")) {
                    if (t.isObject() && !t.has(key)) {
                        throw new IllegalArgumentException(at + "task.tickets[" + i + "] has no \"" + key
                                + "\"; expected room_type, dates, sale_price, net_price, target_price, floor_price");
                    }
                }
                for (String key : List.of("sale_price", "net_price", "target_price")) {
                    JsonNode v = t.get(key);
                    if (v != null && v.isNumber() && v.asDouble() <= 0) {
                        throw new IllegalArgumentException(at + "task.tickets[" + i + "]." + key + " is " + v.asText()
                                + "; expected a positive price");
                    }
                }
            }
        }
        try {
            return JSON.treeToValue(taskNode, TaskInfo.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(Object::toString)
                    .sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException(at + "unknown key \"" + e.getPropertyName() + "\" in " + path(e)
                    .replaceFirst("\\.[^.\\[]+$", "") + "; expected one of: " + known);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(at + cause.getMessage() + " (at " + path(e) + ")");
        } catch (InvalidFormatException e) {
            throw new IllegalArgumentException(at + path(e) + ": value " + e.getValue() + " is not valid; expected "
                    + simpleType(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(at + path(e) + ": wrong type; expected " + simpleType(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(at + "bad task: " + e.getOriginalMessage());
        }
    }

    private static List<Turn> parseHistory(JsonNode history, String at) {
        if (history == null || history.isNull()) {
            return List.of();
        }
        if (!history.isArray()) {
            throw new IllegalArgumentException(at + "\"history\" is " + kind(history) + "; expected an array of turns");
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            JsonNode t = history.get(i);
            String where = at + "history[" + i + "]";
            if (!t.isObject()) {
                throw new IllegalArgumentException(where + " is " + kind(t) + "; expected {\"role\": \"agent\"|\"hotel\", \"content\": \"...\"}");
            }
            for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!TURN_KEYS.contains(key)) {
                    throw new IllegalArgumentException(where + ": unknown key \"" + key + "\"; expected role, content, sop_stage");
                }
            }
            JsonNode role = t.get("role");
            String roleText = role == null ? null : role.asText();
            Turn.Role r;
            if ("agent".equals(roleText)) {
                r = Turn.Role.AGENT;
            } else if ("hotel".equals(roleText)) {
                r = Turn.Role.HOTEL;
            } else {
                throw new IllegalArgumentException(where + ": " + (role == null ? "missing \"role\"" : "unknown role \"" + roleText + "\"")
                        + "; expected \"agent\" or \"hotel\"");
            }
            JsonNode content = t.get("content");
            if (content == null || !content.isTextual()) {
                throw new IllegalArgumentException(where + ": " + (content == null ? "missing \"content\"" : "\"content\" is " + kind(content))
                        + "; expected a string (may be empty when the hotel did not reply)");
            }
            JsonNode stage = t.get("sop_stage");
            Integer sop = null;
            if (stage != null && !stage.isNull()) {
                if (!stage.isIntegralNumber() || stage.asInt() < 1 || stage.asInt() > 7) {
                    throw new IllegalArgumentException(where + ": sop_stage is " + stage + "; expected an integer 1-7");
                }
                sop = stage.asInt();
            }
            turns.add(new Turn(r, content.asText(), sop));
        }
        return turns;
    }

    /** The JSON object of one item: id first, then task, history, reply, then the other extra keys. */
    public static ObjectNode toJson(ScoredItem item) {
        ObjectNode out = JSON.createObjectNode();
        if (item.extra().has("id")) {
            out.set("id", item.extra().get("id"));
        } else if (item.id() != null) {
            out.put("id", item.id());
        }
        out.set("task", JSON.valueToTree(item.task()));
        ArrayNode history = out.putArray("history");
        for (Turn t : item.history()) {
            history.add(JSON.valueToTree(t));
        }
        out.put("reply", item.reply());
        for (Iterator<Map.Entry<String, JsonNode>> it = item.extra().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Writes items as JSON lines through a temporary file renamed over {@code file}. */
    public static void write(Path file, List<ScoredItem> items) {
        StringBuilder sb = new StringBuilder();
        try {
            for (ScoredItem item : items) {
                sb.append(JSON.writeValueAsString(toJson(item))).append('\n');
            }
            writeAtomically(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes text to a temporary sibling and renames it over {@code file}, so readers never see half a file. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("task");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String simpleType(Class<?> c) {
        if (c == null) {
            return "another type";
        }
        if (c == double.class || c == Double.class || c == int.class || c == Integer.class) {
            return "a number";
        }
        if (c == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(c)) {
            return "an array";
        }
        return "an object (" + c.getSimpleName() + ")";
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
