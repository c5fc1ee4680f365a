package repo.eval.run;

import java.util.List;
import java.util.Map;
import repo.rewards.ota.ScoredItem;

/** Reward sources applied to evaluated replies, for the report's reward-source breakdown (source name to score). */
@FunctionalInterface
public interface Scorer {
    List<Map<String, Double>> score(List<ScoredItem> items);
}
