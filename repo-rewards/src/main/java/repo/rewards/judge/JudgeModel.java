package repo.rewards.judge;

import java.util.List;

/** Answers judge prompts in process: one answer text per prompt, in order. */
@FunctionalInterface
public interface JudgeModel {
    List<String> complete(List<String> prompts);
}
