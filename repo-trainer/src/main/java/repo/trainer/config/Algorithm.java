package repo.trainer.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code repo train} runs; the YAML key {@code algorithm}. */
public enum Algorithm {
    SFT, RM, DPO, PPO, GRPO, REPO;

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The YAML names, comma-separated: {@code sft, rm, dpo, ppo, grpo, repo}. */
    public static String names() {
        return Arrays.stream(values()).map(Algorithm::yamlName).collect(Collectors.joining(", "));
    }

    /** Whether this is an RL algorithm (rollouts, rewards). */
    public boolean isRl() {
        return this == PPO || this == GRPO || this == REPO;
    }

    @JsonCreator
    public static Algorithm parse(String s) {
        for (Algorithm a : values()) {
            if (a.yamlName().equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "'; expected one of "
                + Arrays.stream(values()).map(Algorithm::yamlName).collect(Collectors.joining(", ")));
    }
}
