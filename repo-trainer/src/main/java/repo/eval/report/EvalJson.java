package repo.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import repo.eval.run.Evaluator;
import repo.eval.run.Results;
import repo.eval.sim.SimRollout;
import repo.eval.data.TaskJson;

/**
 * eval.json: {@code {"checkpoints": [{"name", "rating", "excellent_share", "fix_rate", "clean_fix_rate",
 * "major_issue_rate", "severe_unresolved_rate", "task_success_rate", "skills", "cases"}, ...], "diff": {...},
 * "reward_sources": {...}, "simulations": {...}}}. Figures that could not be computed (no such set) are null.
 */
public final class EvalJson {
    public static final List<String> CHECKPOINT_KEYS = List.of("name", "rating", "excellent_share", "fix_rate", "clean_fix_rate",
            "major_issue_rate", "severe_unresolved_rate", "task_success_rate", "skills", "cases");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalJson() {
    }

    public static String render(List<Results.Checkpoint> cps, String diffA, String diffB) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("checkpoints");
        for (Results.Checkpoint c : cps) {
            ObjectNode o = arr.addObject();
            o.put("name", c.name());
            num(o, "rating", c.rating());
            num(o, "excellent_share", c.excellentShare());
            num(o, "fix_rate", c.fixRate());
            num(o, "clean_fix_rate", c.cleanFixRate());
            num(o, "major_issue_rate", c.majorIssueRate());
            num(o, "severe_unresolved_rate", c.severeUnresolvedRate());
            num(o, "task_success_rate", c.taskSuccessRate());
            ObjectNode sk = o.putObject("skills");
            c.skills().forEach((k, v) -> num(sk, k, v));
            ArrayNode cases = o.putArray("cases");
            for (Results.CaseResult r : c.cases()) {
                ObjectNode x = cases.addObject().put("id", r.id()).put("dialogue", r.dialogue()).put("set", r.set()).put("sop_stage", r.stage())
                        .put("reply", r.reply()).put("rating", r.rating());
                if (r.fixed() != null) {
                    x.put("fixed", r.fixed()).put("severe_unresolved", r.severeUnresolved());
                    ArrayNode ni = x.putArray("new_issues");
                    r.newIssues().forEach(ni::add);
                }
                ArrayNode f = x.putArray("failed_checks");
                r.failed().forEach(f::add);
                if (!r.sources().isEmpty()) {
                    ObjectNode s = x.putObject("sources");
                    r.sources().forEach((k, v) -> num(s, k, v));
                }
            }
        }
        Results.Checkpoint a = find(cps, diffA);
        Results.Checkpoint b = find(cps, diffB);
        if (a != null && b != null && a != b) {
            ObjectNode d = root.putObject("diff").put("a", a.name()).put("b", b.name());
            ArrayNode dc = d.putArray("cases");
            for (Results.CaseDiff x : Evaluator.diff(a, b)) {
                ObjectNode o = dc.addObject().put("id", x.id()).put("change", x.change()).put("rating_a", x.ratingA()).put("rating_b", x.ratingB());
                if (x.fixedA() != null) {
                    o.put("fixed_a", x.fixedA()).put("fixed_b", x.fixedB());
                }
            }
        }
        ObjectNode rs = root.putObject("reward_sources");
        for (Results.Checkpoint c : cps) {
            ObjectNode o = rs.putObject(c.name());
            c.sources().forEach((k, v) -> num(o, k, v));
        }
        ObjectNode sims = root.putObject("simulations");
        for (Results.Checkpoint c : cps) {
            ArrayNode s = sims.putArray(c.name());
            for (SimRollout.Outcome out : c.simulations()) {
                ObjectNode o = s.addObject().put("id", out.id()).put("success", out.success());
                ArrayNode ag = o.putArray("agreed");
                out.agreed().forEach(v -> {
                    if (v == null) {
                        ag.addNull();
                    } else {
                        ag.add(v);
                    }
                });
                ArrayNode br = o.putArray("breaches");
                out.breaches().forEach(br::add);
                o.set("turns", TaskJson.turns(out.turns()));
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    static Results.Checkpoint find(List<Results.Checkpoint> cps, String name) {
        if (name == null) {
            return null;
        }
        return cps.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--diff names checkpoint \"" + name + "\"; known: "
                        + cps.stream().map(Results.Checkpoint::name).toList()));
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

}
