package repo.eval.sets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import repo.eval.data.TaskJson;
import repo.eval.sim.SimProfile;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * One line of an evaluation set: a reference dialogue and the agent turns evaluated in it.
 *
 * @param id unique in the set
 * @param set "online" or "bad_case"
 * @param lang zh or en
 * @param task the task information the agent sees
 * @param sim the simulated hotel's hidden side (persona, floors), used for task success
 * @param history the reference dialogue, oldest turn first
 * @param cases the evaluated turns
 */
public record EvalDialogue(String id, String set, String lang, TaskInfo task, SimProfile sim, List<Turn> history, List<EvalCase> cases) {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("id", "set", "lang", "task", "hotel_sim", "history", "cases");

    public EvalDialogue {
        history = List.copyOf(history);
        cases = List.copyOf(cases);
        for (EvalCase c : cases) {
            if (c.turn() < 0 || c.turn() >= history.size() || history.get(c.turn()).role() != Turn.Role.AGENT) {
                throw new IllegalArgumentException("dialogue " + id + ": case " + c.id() + ": turn " + c.turn()
                        + " is not an agent turn of the history (" + history.size() + " turns)");
            }
        }
    }

    /** The context of a case: the history before its turn. */
    public List<Turn> context(EvalCase c) {
        return history.subList(0, c.turn());
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id).put("set", set).put("lang", lang);
        o.set("task", TaskJson.task(task));
        o.set("hotel_sim", sim.toJson());
        o.set("history", TaskJson.turns(history));
        ArrayNode a = o.putArray("cases");
        cases.forEach(c -> a.add(c.toJson()));
        return o;
    }

    /** Reads a whole set; the first bad line fails as FILE:LINE: what is wrong. */
    public static List<EvalDialogue> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<EvalDialogue> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(parse(lines.get(i), file + ":" + (i + 1)));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no dialogues; expected one JSON object per line");
        }
        return out;
    }

    public static EvalDialogue parse(String line, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\"; known keys: " + KEYS);
            }
        });
        String set = n.path("set").asText();
        if (!set.equals("online") && !set.equals("bad_case")) {
            throw new IllegalArgumentException(where + ": \"set\" is \"" + set + "\"; expected online or bad_case");
        }
        TaskInfo task;
        try {
            task = JSON.treeToValue(n.get("task"), TaskInfo.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": bad \"task\": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (task == null) {
            throw new IllegalArgumentException(where + ": missing \"task\"");
        }
        List<EvalCase> cases = new ArrayList<>();
        JsonNode cs = n.get("cases");
        if (cs == null || !cs.isArray() || cs.isEmpty()) {
            throw new IllegalArgumentException(where + ": \"cases\" must be a non-empty array");
        }
        for (int i = 0; i < cs.size(); i++) {
            EvalCase c = EvalCase.fromJson(cs.get(i), where + ": cases[" + i + "]");
            if (set.equals("bad_case") && (c.badReply() == null || c.defects().isEmpty())) {
                throw new IllegalArgumentException(where + ": cases[" + i + "]: a bad case needs \"bad_reply\" and at least one defect");
            }
            cases.add(c);
        }
        try {
            return new EvalDialogue(n.path("id").asText(), set, n.path("lang").asText(), task,
                    SimProfile.fromJson(n.get("hotel_sim"), where), TaskJson.readTurns(n.get("history"), where), cases);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
