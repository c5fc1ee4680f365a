package repo.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import repo.core.text.Message;
import repo.core.text.Message.Role;

/**
 * One preference pair for reward modelling and DPO: a JSON Lines record
 * {@code {"prompt": [messages...], "chosen": "reply", "rejected": "reply", ...}}, where both replies are the text of
 * the assistant turn that follows the prompt.
 *
 * @param prompt the conversation so far; non-empty and not ending with an assistant message
 * @param chosen the preferred assistant reply
 * @param rejected the other reply, different from {@code chosen}
 * @param extra every other top-level field of the record (such as {@code "id"}), kept as read
 */
public record PreferencePair(List<Message> prompt, String chosen, String rejected, Map<String, JsonNode> extra) {

    private static final Set<String> FIELDS = Set.of("prompt", "chosen", "rejected");

    /** Checks the pair and copies the collections. */
    public PreferencePair {
        prompt = List.copyOf(prompt);
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("\"prompt\" is empty: expected at least one message");
        }
        if (prompt.get(prompt.size() - 1).role() == Role.ASSISTANT) {
            throw new IllegalArgumentException("\"prompt\" ends with an assistant message:"
                    + " expected it to end with the turn the replies answer (user, tool or system)");
        }
        if (chosen == null || rejected == null) {
            throw new IllegalArgumentException("\"chosen\" or \"rejected\" is null: expected two strings");
        }
        if (chosen.equals(rejected)) {
            throw new IllegalArgumentException("\"chosen\" equals \"rejected\": expected two different replies");
        }
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** The record's {@code "id"} as text, if it has one. */
    public Optional<String> id() {
        return Optional.ofNullable(extra.get("id")).map(JsonNode::asText);
    }

    /**
     * Parses one JSON Lines record.
     *
     * @throws IllegalArgumentException naming the field, what is wrong and what was expected
     */
    public static PreferencePair fromJson(JsonNode object) {
        List<Message> prompt = JsonFields.messages(object, "prompt");
        return new PreferencePair(prompt, JsonFields.requiredString(object, "chosen"),
                JsonFields.requiredString(object, "rejected"), JsonFields.extra(object, FIELDS));
    }
}
