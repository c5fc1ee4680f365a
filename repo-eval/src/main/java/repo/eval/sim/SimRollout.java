package repo.eval.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import repo.eval.checks.CaseChecks;
import repo.eval.checks.Check;
import repo.eval.checks.Checks;
import repo.eval.checks.Severity;
import repo.eval.metrics.Metrics;
import repo.rewards.api.TaskInfo;
import repo.rewards.api.Turn;

/**
 * A multi-turn dialogue between an agent (any function from the history to its next reply) and the
 * {@link HotelSimulator}, scored for task success. The breach test uses the evaluation's guard checks
 * ({@link CaseChecks}), not the training rules.
 */
public final class SimRollout {
    private SimRollout() {
    }

    /**
     * @param turns the dialogue
     * @param agreed agreed net price per ticket (null: none)
     * @param highBreach an agent turn failed a high-severity guard check
     * @param breaches tags of the failed high-severity guards, in order
     * @param success the task-success verdict ({@link Metrics#taskSuccess})
     */
    public record Outcome(List<Turn> turns, List<Double> agreed, boolean highBreach, List<String> breaches, boolean success) {
    }

    /** Plays up to {@code maxTurns} agent turns; stops early when the hotel says goodbye or everything is confirmed. */
    public static Outcome play(TaskInfo task, SimProfile profile, Function<List<Turn>, String> agent, int maxTurns, long seed) {
        HotelSimulator sim = new HotelSimulator(task, profile, seed);
        List<Turn> turns = new ArrayList<>();
        List<String> breaches = new ArrayList<>();
        int agentTurns = 0;
        while (agentTurns < maxTurns && !sim.ended() && !sim.confirmed()) {
            String reply = agent.apply(List.copyOf(turns));
            for (Check c : CaseChecks.build(task, turns, 0, profile.lang())) {
                if (c.guard() && c.severity() == Severity.HIGH && !Checks.passes(c, reply)) {
                    breaches.add(c.tag());
                }
            }
            turns.add(Turn.agent(reply));
            agentTurns++;
            turns.add(Turn.hotel(sim.respond(reply)));
        }
        List<Double> targets = task.tickets().stream().map(TaskInfo.Ticket::targetPrice).toList();
        boolean ok = Metrics.taskSuccess(sim.agreed(), targets, agentTurns, maxTurns, !breaches.isEmpty());
        return new Outcome(turns, sim.agreed(), !breaches.isEmpty(), breaches, ok);
    }
}
