package repo.core.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One chat message, as the Qwen3 chat template sees it.
 *
 * <p>{@code reasoningContent} is the template's {@code reasoning_content}: the thinking of an assistant
 * turn, kept apart from its {@code content}. It is {@code null} when absent, in which case the template
 * looks for a {@code <think>...</think>} block inside {@code content} instead. Only assistant messages may
 * carry it.
 *
 * @param role who speaks
 * @param content the text of the message, never {@code null} (may be empty)
 * @param reasoningContent the assistant's separate reasoning, or {@code null}
 */
public record Message(Role role, String content, String reasoningContent) {

    /** The speaker of a message, with the name the chat template and the JSON files use. */
    public enum Role {
        SYSTEM("system"),
        USER("user"),
        ASSISTANT("assistant"),
        TOOL("tool");

        private final String jsonName;

        Role(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The lower-case name used in JSON and in the rendered chat ({@code "user"}, ...). */
        public String jsonName() {
            return jsonName;
        }

        /**
         * The role with the given JSON name.
         *
         * @throws IllegalArgumentException if no role has that name
         */
        public static Role fromJsonName(String name) {
            for (Role role : values()) {
                if (role.jsonName.equals(name)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("unknown role \"" + name + "\": expected one of " + allJsonNames());
        }

        static String allJsonNames() {
            return Arrays.stream(values()).map(Role::jsonName).collect(Collectors.joining(", "));
        }
    }

    private static final Set<String> JSON_FIELDS = Set.of("role", "content", "reasoning_content");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks that role and content are present and that only assistant messages carry reasoning. */
    public Message {
        if (role == null) {
            throw new IllegalArgumentException("message role is null: expected one of " + Role.allJsonNames());
        }
        if (content == null) {
            throw new IllegalArgumentException(
                    "content of a " + role.jsonName() + " message is null: use \"\" for an empty message");
        }
        if (reasoningContent != null && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("a " + role.jsonName()
                    + " message has reasoning_content: only assistant messages may carry reasoning");
        }
    }

    /** A system prompt. */
    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, null);
    }

    /** A user turn. */
    public static Message user(String content) {
        return new Message(Role.USER, content, null);
    }

    /** An assistant turn; any thinking stays inside {@code content} as a {@code <think>} block. */
    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, null);
    }

    /** An assistant turn whose reasoning is given apart from its answer. */
    public static Message assistant(String content, String reasoningContent) {
        return new Message(Role.ASSISTANT, content, reasoningContent);
    }

    /** A tool result; the template wraps it in {@code <tool_response>} inside a user turn. */
    public static Message tool(String content) {
        return new Message(Role.TOOL, content, null);
    }

    /**
     * Reads a conversation from a JSON array of {@code {"role": ..., "content": ..., "reasoning_content"?: ...}}.
     *
     * @throws IllegalArgumentException if the file is not such an array; the message names the file, the
     *     array index, what is wrong and what was expected
     * @throws IOException if the file cannot be read
     */
    public static List<Message> readJson(Path file) throws IOException {
        JsonNode root = parse(file);
        if (!root.isArray()) {
            throw new IllegalArgumentException(
                    file + ": top level is " + describe(root) + ": expected a JSON array of messages");
        }
        List<Message> messages = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            try {
                messages.add(fromJson(root.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": message [" + i + "]: " + e.getMessage(), e);
            }
        }
        return List.copyOf(messages);
    }

    private static JsonNode parse(Path file) throws IOException {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                            + "): expected a JSON array of messages",
                    e);
        }
    }

    /**
     * One message from its JSON object {@code {"role", "content", "reasoning_content"?}}; unknown fields are refused.
     *
     * @throws IllegalArgumentException saying what is wrong (callers prefix the file and position)
     */
    public static Message fromJson(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "is " + describe(node) + ": expected an object with \"role\" and \"content\"");
        }
        rejectUnknownFields(node);
        Role role = Role.fromJsonName(requiredString(node, "role"));
        String content = requiredString(node, "content");
        JsonNode reasoning = node.get("reasoning_content");
        if (reasoning == null || reasoning.isNull()) {
            return new Message(role, content, null);
        }
        if (!reasoning.isTextual()) {
            throw new IllegalArgumentException(
                    "\"reasoning_content\" is " + describe(reasoning) + ": expected a string or null");
        }
        return new Message(role, content, reasoning.textValue());
    }

    private static void rejectUnknownFields(JsonNode node) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!JSON_FIELDS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown field \"" + name + "\": expected only role, content, reasoning_content");
            }
        }
    }

    private static String requiredString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing \"" + field + "\": expected a string");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + describe(value) + ": expected a string");
        }
        return value.textValue();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case STRING -> "a string";
            case NUMBER -> "a number " + node;
            case BOOLEAN -> "a boolean " + node;
            case MISSING -> "empty";
            default -> "a " + node.getNodeType().name().toLowerCase();
        };
    }
}
