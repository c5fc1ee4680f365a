package repo.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import repo.core.text.Message;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/** JSON of tasks, turns and chat messages in the README's task schema and data formats (whole prices as integers). */
public final class TaskJson {
    private TaskJson() {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    public static ObjectNode task(TaskInfo t) {
        ObjectNode o = F.objectNode();
        o.putObject("hotel").put("name", t.hotel().name()).put("star_level", t.hotel().starLevel()).put("city", t.hotel().city());
        ArrayNode tickets = o.putArray("tickets");
        for (TaskInfo.Ticket k : t.tickets()) {
            ObjectNode x = tickets.addObject().put("room_type", k.roomType()).put("dates", k.dates());
            num(x, "sale_price", k.salePrice());
            num(x, "net_price", k.netPrice());
            num(x, "target_price", k.targetPrice());
            num(x, "floor_price", k.floorPrice());
        }
        ArrayNode comps = o.putArray("competitors");
        for (TaskInfo.CompetitorOffer c : t.competitors()) {
            num(comps.addObject().put("hotel", c.hotel()).put("room", c.room()), "price", c.price());
        }
        if (t.demand() != null) {
            ObjectNode d = o.putObject("demand");
            if (t.demand().exposure() != null) {
                num(d, "exposure", t.demand().exposure());
            }
            if (t.demand().conversion() != null) {
                d.put("conversion", t.demand().conversion());
            }
            if (t.demand().bookingTrend() != null) {
                d.put("booking_trend", t.demand().bookingTrend());
            }
        }
        if (t.persona() != null) {
            o.put("persona", t.persona());
        }
        o.put("currency", t.currency());
        return o;
    }

    private static void num(ObjectNode o, String key, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            o.put(key, (long) v);
        } else {
            o.put(key, v);
        }
    }

    public static ArrayNode turns(List<Turn> turns) {
        ArrayNode a = F.arrayNode();
        for (Turn t : turns) {
            ObjectNode o = a.addObject().put("role", t.role().jsonName()).put("content", t.content());
            if (t.sopStage() != null) {
                o.put("sop_stage", t.sopStage());
            }
        }
        return a;
    }

    public static ArrayNode messages(List<Message> messages) {
        ArrayNode a = F.arrayNode();
        for (Message m : messages) {
            a.addObject().put("role", m.role().jsonName()).put("content", m.content());
        }
        return a;
    }

    public static List<Turn> readTurns(JsonNode a, String where) {
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException(where + ": \"history\" must be an array of {\"role\", \"content\"} turns");
        }
        List<Turn> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode t = a.get(i);
            String role = t.path("role").asText();
            if (!role.equals("agent") && !role.equals("hotel")) {
                throw new IllegalArgumentException(where + ": history[" + i + "]: unknown role \"" + role + "\"; expected \"agent\" or \"hotel\"");
            }
            if (!t.path("content").isTextual()) {
                throw new IllegalArgumentException(where + ": history[" + i + "]: \"content\" must be a string");
            }
            out.add(new Turn(role.equals("agent") ? Turn.Role.AGENT : Turn.Role.HOTEL, t.get("content").asText(),
                    t.hasNonNull("sop_stage") ? t.get("sop_stage").asInt() : null));
        }
        return out;
    }
}
