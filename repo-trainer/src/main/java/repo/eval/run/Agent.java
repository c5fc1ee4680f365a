package repo.eval.run;

import java.util.List;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/** Writes the agent's next reply for each (task, history); a checkpoint, or any scripted stand-in. */
@FunctionalInterface
public interface Agent {
    /** A context to reply to. */
    record Prompt(TaskInfo task, List<Turn> history) {
    }

    /** One reply per prompt, in order. */
    List<String> replies(List<Prompt> prompts);
}
