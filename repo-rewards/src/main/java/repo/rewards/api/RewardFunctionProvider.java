package repo.rewards.api;

import java.util.Map;

/**
 * ServiceLoader entry point for rules: users add their own rules without forking by shipping a class
 * that implements this interface and listing it in
 * {@code META-INF/services/repo.rewards.api.RewardFunctionProvider}.
 */
public interface RewardFunctionProvider {
    /** The stable rule id, e.g. {@code price-grounding}. */
    String ruleId();

    /**
     * Builds the rule from its YAML settings.
     *
     * @param settings the rule's block of the rules YAML (points, severity, parameters); never null
     */
    RewardFunction create(Map<String, Object> settings);
}
