package repo.rewards.api;

import java.util.List;

/**
 * One deterministic reward rule (RF): the findings it makes on a sample. Points are summed from the
 * findings. Implementations are small classes with a stable rule id (users grep traces for it) and
 * are discovered through {@link java.util.ServiceLoader} via {@link RewardFunctionProvider}.
 */
@FunctionalInterface
public interface RewardFunction {
    List<Finding> evaluate(Sample sample);
}
