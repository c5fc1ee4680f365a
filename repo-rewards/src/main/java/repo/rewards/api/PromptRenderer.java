package repo.rewards.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import repo.core.text.Message;

/**
 * Turns one prompt record (a JSON line of a prompt file) into the chat messages the policy sees. A task brings its
 * own renderer; {@link #MESSAGES} reads records that already hold them.
 */
@FunctionalInterface
public interface PromptRenderer {

    /**
     * The messages before the completion; throw {@link IllegalArgumentException} naming the key for a bad record.
     */
    List<Message> messages(ObjectNode record);

    /** Records of the form {@code {"id": ..., "messages": [{"role": "system"|"user"|"assistant", "content": "..."}]}}. */
    PromptRenderer MESSAGES = record -> {
        JsonNode m = record.get("messages");
        if (m == null || !m.isArray() || m.isEmpty()) {
            throw new IllegalArgumentException("\"messages\": expected a non-empty array of {\"role\", \"content\"}");
        }
        List<Message> out = new ArrayList<>();
        m.forEach(node -> out.add(Message.fromJson(node)));
        return out;
    };
}
