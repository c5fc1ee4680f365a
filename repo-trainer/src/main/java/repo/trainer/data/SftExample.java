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
 * One supervised fine-tuning dialogue: a JSON Lines record
 * {@code {"messages": [{"role": ..., "content": ..., "reasoning_content"?: ...}, ...], ...}}. The loss is taken on the
 * assistant turns, so at least one is required.
 *
 * @param messages the dialogue, with at least one assistant message
 * @param extra every other top-level field of the record (such as {@code "id"}), kept as read
 */
public record SftExample(List<Message> messages, Map<String, JsonNode> extra) {

    private static final Set<String> FIELDS = Set.of("messages");

    /** Checks the dialogue and copies both collections. */
    public SftExample {
        messages = List.copyOf(messages);
        if (messages.stream().noneMatch(m -> m.role() == Role.ASSISTANT)) {
            throw new IllegalArgumentException(
                    "\"messages\" has no assistant message: expected at least one turn to train on");
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
    public static SftExample fromJson(JsonNode object) {
        return new SftExample(JsonFields.messages(object, "messages"), JsonFields.extra(object, FIELDS));
    }
}
