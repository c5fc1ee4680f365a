package repo.trainer.rl;

import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.api.Severity;

/**
 * A test rule added the way a user adds one (ServiceLoader): it fires when the reply's first token is
 * {@code token} (the RL trainer passes the completion's token ids with every sample).
 */
public final class FirstTokenRule implements RewardFunctionProvider {
    @Override
    public String ruleId() {
        return "first-token";
    }

    @Override
    public RewardFunction create(Map<String, Object> settings) {
        long token = ((Number) settings.getOrDefault("token", -1)).longValue();
        double points = ((Number) settings.getOrDefault("points", -60)).doubleValue();
        return sample -> {
            long[] ids = sample.completionIds();
            boolean fires = ids != null && ids.length > 0 && ids[0] == token;
            return fires ? List.of(new Finding(ruleId(), Severity.HIGH, points, "reply starts with token " + token, null)) : List.of();
        };
    }
}
