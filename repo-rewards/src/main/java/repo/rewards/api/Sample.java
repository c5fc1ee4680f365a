package repo.rewards.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import repo.core.text.Message;

/**
 * What every reward source scores and every RL trainer generates for, whatever the task: a prompt (chat
 * messages), a completion, and free JSON metadata carrying whatever the task needs (the OTA task puts its
 * {@code task} and {@code history} there; a user's task puts its own keys).
 *
 * @param id the input's id, or null
 * @param prompt the chat messages the policy sees before the completion
 * @param completion the candidate reply being scored; null for a prompt that has none yet
 * @param completionIds the completion's token ids as generated (RL rollouts), or null
 * @param metadata the task's data, e.g. the input line (never null; not copied, do not change it)
 */
public record Sample(String id, List<Message> prompt, String completion, long[] completionIds, ObjectNode metadata) {
    public Sample {
        if (prompt == null) {
            throw new IllegalArgumentException("a sample needs its prompt messages");
        }
        prompt = List.copyOf(prompt);
        completionIds = completionIds == null ? null : completionIds.clone();
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata;
    }

    /** A prompt with no completion yet (an RL prompt). */
    public static Sample prompt(String id, List<Message> prompt, ObjectNode metadata) {
        return new Sample(id, prompt, null, null, metadata);
    }

    /** This sample with a generated completion and its token ids. */
    public Sample withCompletion(String text, long[] ids) {
        return new Sample(id, prompt, text, ids, metadata);
    }

    /** The completion, failing with the sample's id when there is none. */
    public String requireCompletion() {
        if (completion == null) {
            throw new IllegalArgumentException((id == null ? "a sample" : "sample " + id) + " has no completion to score");
        }
        return completion;
    }

    @Override
    public long[] completionIds() {
        return completionIds == null ? null : completionIds.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && java.util.Objects.equals(id, s.id) && prompt.equals(s.prompt)
                && java.util.Objects.equals(completion, s.completion) && Arrays.equals(completionIds, s.completionIds)
                && metadata.equals(s.metadata);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, prompt, completion, Arrays.hashCode(completionIds), metadata);
    }

    @Override
    public String toString() {
        return "Sample[id=" + id + ", prompt=" + prompt.size() + " messages, completion=" + completion + "]";
    }
}
