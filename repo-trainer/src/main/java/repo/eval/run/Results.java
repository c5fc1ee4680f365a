package repo.eval.run;

import java.util.List;
import java.util.Map;
import repo.eval.sim.SimRollout;

/** What an evaluation produces per checkpoint (the records behind eval.json). */
public final class Results {
    private Results() {
    }

    /**
     * One evaluated turn.
     *
     * @param fixed bad cases: every defect check passes; null in the online set
     * @param failed ids of the failed checks (guard and quality)
     * @param newIssues bad cases: tags of new failing guards; empty in the online set
     * @param severeUnresolved bad cases: a high-severity defect remains; null in the online set
     * @param sources reward-source scores of the reply (empty when no scorer was given)
     */
    public record CaseResult(String id, String dialogue, String set, int stage, String reply, String reference, int rating,
                             Boolean fixed, List<String> failed, List<String> newIssues, Boolean severeUnresolved,
                             Map<String, Double> sources) {
    }

    /** The paper's metrics for one checkpoint (NaN where a set was not given). */
    public record Checkpoint(String name, double rating, double excellentShare, double fixRate, double cleanFixRate,
                             double majorIssueRate, double severeUnresolvedRate, double taskSuccessRate,
                             Map<String, Double> skills, List<CaseResult> cases, List<SimRollout.Outcome> simulations,
                             Map<String, Double> sources) {
    }

    /** How one case changed between two checkpoints. */
    public record CaseDiff(String id, int ratingA, int ratingB, Boolean fixedA, Boolean fixedB, String replyA, String replyB) {
        public String change() {
            if (ratingB > ratingA || (Boolean.TRUE.equals(fixedB) && Boolean.FALSE.equals(fixedA))) {
                return "better";
            }
            if (ratingB < ratingA || (Boolean.FALSE.equals(fixedB) && Boolean.TRUE.equals(fixedA))) {
                return "worse";
            }
            return "same";
        }
    }
}
