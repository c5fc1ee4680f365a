package repo.rewards.ota;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One dialogue turn.
 *
 * @param role who spoke
 * @param content what was said
 * @param sopStage optional SOP stage label 1-7 (greeting, purpose, evidence, proposal, objection, confirmation, close)
 */
public record Turn(Role role, String content, @JsonProperty("sop_stage") Integer sopStage) {

    /** The two parties: our BD agent and the hotel. */
    public enum Role {
        AGENT, HOTEL;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Turn {
        if (role == null || content == null) {
            throw new IllegalArgumentException("a turn needs \"role\" (agent or hotel) and \"content\"");
        }
        if (sopStage != null && (sopStage < 1 || sopStage > 7)) {
            throw new IllegalArgumentException("sop_stage must be 1..7, got " + sopStage);
        }
    }

    public static Turn agent(String content) {
        return new Turn(Role.AGENT, content, null);
    }

    public static Turn hotel(String content) {
        return new Turn(Role.HOTEL, content, null);
    }
}
