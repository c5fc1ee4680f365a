package repo.rewards.ota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What every reward source scores: (task information, dialogue history, candidate reply).
 * In files: one JSON line {@code {"task": {...}, "history": [...], "reply": "..."}}; any other keys
 * (such as {@code id}) are kept in {@code extra} and copied to outputs.
 *
 * @param id the input's {@code id}, or null
 * @param task task information
 * @param history earlier turns, oldest first
 * @param reply the candidate agent reply being scored
 * @param extra every other key of the input line (never null)
 */
public record ScoredItem(String id, TaskInfo task, List<Turn> history, String reply, ObjectNode extra) {
    public ScoredItem {
        if (task == null) {
            throw new IllegalArgumentException("\"task\" is required");
        }
        if (reply == null) {
            throw new IllegalArgumentException("\"reply\" is required (the candidate agent reply)");
        }
        history = history == null ? List.of() : List.copyOf(history);
        extra = extra == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : extra;
    }
}
