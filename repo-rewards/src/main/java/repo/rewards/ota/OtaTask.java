package repo.rewards.ota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import repo.rewards.api.PromptRenderer;
import repo.rewards.api.RewardSource;
import repo.rewards.api.Sample;
import repo.rewards.api.SourceResult;
import repo.rewards.io.ScoredItems;
import repo.rewards.judge.Judge;

/**
 * The OTA price-negotiation task on the generic API: its items are {@link Sample}s whose metadata carries
 * {@code task} and {@code history} (the documented item format, one JSON line each), rendered for the policy by
 * {@link AgentPrompt}; its judge is a {@link RewardSource}. Nothing outside this package needs {@link ScoredItem}.
 */
public final class OtaTask {
    private OtaTask() {
    }

    /** Renders a prompt record {@code {"task": {...}, "history": [...]}} as the agent's messages. */
    public static final PromptRenderer RENDERER = record -> {
        ScoredItem item = item(record, "", "");
        return AgentPrompt.messages(item.task(), item.history());
    };

    /** The sample of an OTA item: its agent prompt, its reply as the completion, its JSON line as metadata. */
    public static Sample sample(ScoredItem item) {
        ObjectNode metadata = ScoredItems.toJson(item);
        metadata.remove("reply");
        return new Sample(item.id(), AgentPrompt.messages(item), item.reply(), null, metadata);
    }

    /** The OTA item a sample's metadata describes, with the sample's completion as the reply. */
    public static ScoredItem item(Sample sample) {
        return item(sample.metadata(), sample.requireCompletion(), sample.id() == null ? "a sample: " : "sample " + sample.id() + ": ");
    }

    private static ScoredItem item(ObjectNode metadata, String reply, String at) {
        ObjectNode node = metadata.deepCopy();
        node.put("reply", reply);
        return ScoredItems.parseNode(node, at);
    }

    /** An OTA judge backend as a reward source named {@code name}; the batch is judged with its concurrency. */
    public static RewardSource judgeSource(String name, Judge judge) {
        return RewardSource.of(name, RewardSource.Kind.JUDGE, samples -> {
            List<SourceResult> out = judge.judgeAll(samples.stream().map(OtaTask::item).toList());
            if (out == null || out.size() != samples.size()) {
                throw new IllegalStateException("judge " + name + " returned " + (out == null ? "null" : out.size() + " results")
                        + " for " + samples.size() + " samples");
            }
            return out;
        });
    }
}
