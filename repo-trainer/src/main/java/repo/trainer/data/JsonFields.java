package repo.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import repo.core.text.Message;

/** Shared field checks for the JSON Lines records; messages say what is wrong and what was expected. */
final class JsonFields {


    private JsonFields() {
    }

    static JsonNode required(JsonNode object, String field, String expected) {
        JsonNode value = object.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing \"" + field + "\": expected " + expected);
        }
        return value;
    }

    static String requiredString(JsonNode object, String field) {
        JsonNode value = required(object, field, "a string");
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + describe(value) + ": expected a string");
        }
        return value.textValue();
    }

    /** A JSON array of chat messages, each {@code {"role", "content", "reasoning_content"?}}. */
    static List<Message> messages(JsonNode object, String field) {
        JsonNode array = required(object, field, "an array of {\"role\", \"content\"} messages");
        if (!array.isArray()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + describe(array)
                    + ": expected an array of {\"role\", \"content\"} messages");
        }
        if (array.isEmpty()) {
            throw new IllegalArgumentException("\"" + field + "\" is empty: expected at least one message");
        }
        List<Message> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                out.add(Message.fromJson(array.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + field + "\"[" + i + "]: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** Every field of {@code object} not in {@code known}, deep-copied, in file order. */
    static Map<String, JsonNode> extra(JsonNode object, Set<String> known) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> {
            if (!known.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue().deepCopy());
            }
        });
        return out;
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case STRING -> "a string";
            case NUMBER -> "a number " + node;
            case BOOLEAN -> "a boolean " + node;
            case MISSING -> "empty";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
