package repo.eval.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the simulated hotel knows and the agent does not: its persona, the lowest net price it will accept per
 * ticket (hidden floor), its name and language. Stored as {@code "hotel_sim"} in generated items.
 *
 * @param persona how it negotiates
 * @param hiddenFloors lowest acceptable net price per ticket, in ticket order
 * @param lang zh or en
 * @param name how the agent addresses the manager (王经理 / Ms. Wang)
 */
public record SimProfile(Persona persona, List<Double> hiddenFloors, String lang, String name) {
    public SimProfile {
        if (persona == null || hiddenFloors == null || hiddenFloors.isEmpty()) {
            throw new IllegalArgumentException("hotel_sim needs a persona and one hidden floor per ticket");
        }
        hiddenFloors = List.copyOf(hiddenFloors);
        if (!"zh".equals(lang) && !"en".equals(lang)) {
            throw new IllegalArgumentException("hotel_sim.lang must be zh or en, got " + lang);
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("persona", persona.jsonName());
        ArrayNode a = o.putArray("hidden_floors");
        hiddenFloors.forEach(v -> a.add(Math.round(v)));
        o.put("lang", lang).put("name", name);
        return o;
    }

    public static SimProfile fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": \"hotel_sim\" must be an object {\"persona\", \"hidden_floors\", \"lang\", \"name\"}");
        }
        List<Double> floors = new ArrayList<>();
        n.path("hidden_floors").forEach(x -> floors.add(x.asDouble()));
        try {
            return new SimProfile(Persona.parse(n.path("persona").asText(), where), floors, n.path("lang").asText(),
                    n.path("name").asText(""));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
