package repo.eval.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import repo.eval.checks.CaseChecks;
import repo.eval.checks.Check;
import repo.eval.checks.Checks;
import repo.eval.checks.Severity;
import repo.eval.metrics.Metrics;
import repo.eval.run.Agent;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * Multi-turn dialogues between an agent and the {@link HotelSimulator}, scored for task success; several dialogues
 * advance in lockstep so a model agent generates one batch per turn. The breach test uses the evaluation's guard
 * checks ({@link CaseChecks}), not the training rules.
 */
public final class SimRollout {
    private SimRollout() {
    }

    /** One dialogue to play: the task, the hotel's hidden side and the simulator's seed. */
    public record Episode(String id, TaskInfo task, SimProfile profile, long seed) {
    }

    /**
     * @param turns the dialogue
     * @param agreed agreed net price per ticket (null: none)
     * @param highBreach an agent turn failed a high-severity guard check
     * @param breaches tags of the failed high-severity guards, in order
     * @param success the task-success verdict ({@link Metrics#taskSuccess})
     */
    public record Outcome(String id, List<Turn> turns, List<Double> agreed, boolean highBreach, List<String> breaches, boolean success) {
    }

    /** Plays one dialogue with a one-at-a-time agent. */
    public static Outcome play(TaskInfo task, SimProfile profile, Function<List<Turn>, String> agent, int maxTurns, long seed) {
        Agent batch = prompts -> prompts.stream().map(p -> agent.apply(p.history())).toList();
        return playAll(List.of(new Episode("dialogue", task, profile, seed)), batch, maxTurns).get(0);
    }

    /** Plays every episode for up to {@code maxTurns} agent turns; one stops when the hotel says goodbye or confirms. */
    public static List<Outcome> playAll(List<Episode> episodes, Agent agent, int maxTurns) {
        int n = episodes.size();
        List<HotelSimulator> sims = new ArrayList<>();
        List<List<Turn>> turns = new ArrayList<>();
        List<List<String>> breaches = new ArrayList<>();
        int[] agentTurns = new int[n];
        for (Episode e : episodes) {
            sims.add(new HotelSimulator(e.task(), e.profile(), e.seed()));
            turns.add(new ArrayList<>());
            breaches.add(new ArrayList<>());
        }
        for (int step = 0; step < maxTurns; step++) {
            List<Integer> live = new ArrayList<>();
            List<Agent.Prompt> prompts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!sims.get(i).ended() && !sims.get(i).confirmed()) {
                    live.add(i);
                    prompts.add(new Agent.Prompt(episodes.get(i).task(), List.copyOf(turns.get(i))));
                }
            }
            if (live.isEmpty()) {
                break;
            }
            List<String> replies = agent.replies(prompts);
            for (int k = 0; k < live.size(); k++) {
                int i = live.get(k);
                String reply = replies.get(k);
                Episode e = episodes.get(i);
                for (Check c : CaseChecks.build(e.task(), turns.get(i), 0, e.profile().lang())) {
                    if (c.guard() && c.severity() == Severity.HIGH && !Checks.passes(c, reply)) {
                        breaches.get(i).add(c.tag());
                    }
                }
                turns.get(i).add(Turn.agent(reply));
                agentTurns[i]++;
                turns.get(i).add(Turn.hotel(sims.get(i).respond(reply)));
            }
        }
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Episode e = episodes.get(i);
            List<Double> targets = e.task().tickets().stream().map(TaskInfo.Ticket::targetPrice).toList();
            boolean ok = Metrics.taskSuccess(sims.get(i).agreed(), targets, agentTurns[i], maxTurns, !breaches.get(i).isEmpty());
            out.add(new Outcome(e.id(), List.copyOf(turns.get(i)), sims.get(i).agreed(), !breaches.get(i).isEmpty(), List.copyOf(breaches.get(i)), ok));
        }
        return out;
    }
}
