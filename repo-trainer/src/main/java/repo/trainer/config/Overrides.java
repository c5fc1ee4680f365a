package repo.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import repo.core.io.StrictYaml;

/**
 * {@code --set key.path=value} on a parsed configuration tree, as Hydra and TRL users expect: the value is read as
 * YAML ({@code 1e-3} a number, {@code true} a boolean, {@code [q_proj, v_proj]} a list), missing mappings are created,
 * and the result is validated like the file itself.
 */
final class Overrides {
    private Overrides() {
    }

    static void apply(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        String origin = "--set " + assignment;
        if (eq <= 0) {
            throw new IllegalArgumentException(origin + ": no key; expected KEY.PATH=VALUE, e.g. optim.lr=1e-3");
        }
        String key = assignment.substring(0, eq).trim();
        if (!key.matches("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*")) {
            throw new IllegalArgumentException(origin + ": \"" + key + "\" is not a key path; expected names joined by dots, "
                    + "e.g. train.max_steps");
        }
        JsonNode value = StrictYaml.readTree(assignment.substring(eq + 1), origin);
        String[] parts = key.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            if (next == null || next.isNull()) {
                next = at.putObject(parts[i]);
            }
            if (!next.isObject()) {
                throw new IllegalArgumentException(origin + ": " + String.join(".", java.util.Arrays.copyOf(parts, i + 1))
                        + " is " + ConfigReader.describe(next) + ", not a mapping; expected a key path through mappings");
            }
            at = (ObjectNode) next;
        }
        at.set(parts[parts.length - 1], value == null ? NullNode.getInstance() : value);
    }
}
