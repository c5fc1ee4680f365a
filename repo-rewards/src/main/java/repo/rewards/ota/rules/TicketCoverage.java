package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.ota.TaskInfo;

/**
 * {@code ticket-coverage}: in a multi-ticket task, a proposal or confirmation reply must name every room
 * type (exactly, or without the trailing 房/间/Room, ignoring case and spaces). The reply's SOP stage is
 * the item's extra key {@code sop_stage} when present; otherwise, with {@code infer_stage} on, a reply that
 * confirms (确认, confirm, 更新, update) or that states a price together with an ask (降到, 调整, propose,
 * could you...) counts as stage 4 or 6. One finding (without evidence span) per room type left out.
 * Parameters: {@code stages} (default [4, 6]), {@code infer_stage} (default true).
 */
public final class TicketCoverage extends Rule {
    public static final String ID = "ticket-coverage";
    private static final Pattern CONFIRM = Pattern.compile("(确认|核对|更新|改好|调整好|已调|confirm|update|updated)", Pattern.CASE_INSENSITIVE);
    private static final Pattern PROPOSE = Pattern.compile(
            "(降到|降至|调到|调至|调整|下调|申请|希望|建议|能否|能不能|可否|给到|做到|propose|suggest|could you|would you|can you|lower|adjust|bring)",
            Pattern.CASE_INSENSITIVE);

    private final List<Integer> stages;
    private final boolean inferStage;

    public TicketCoverage(double points, Severity severity, List<Integer> stages, boolean inferStage) {
        super(ID, points, severity);
        this.stages = List.copyOf(stages);
        this.inferStage = inferStage;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        List<TaskInfo.Ticket> tickets = item.task().tickets();
        if (tickets.size() < 2 || !inScope(item)) {
            return List.of();
        }
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        for (TaskInfo.Ticket t : tickets) {
            if (!Texts.mentionsRoom(r, t.roomType())) {
                out.add(finding("the task has " + tickets.size() + " room types but this proposal/confirmation reply leaves out "
                        + t.roomType()));
            }
        }
        return out;
    }

    private boolean inScope(ScoredItem item) {
        var stage = item.extra().get("sop_stage");
        if (stage != null && stage.isIntegralNumber()) {
            return stages.contains(stage.asInt());
        }
        if (!inferStage) {
            return false;
        }
        String r = item.reply();
        boolean confirm = CONFIRM.matcher(r).find() && stages.contains(6);
        boolean propose = PROPOSE.matcher(r).find() && !Texts.prices(r).isEmpty() && stages.contains(4);
        return confirm || propose;
    }

    /** ServiceLoader provider. */
    public static final class Provider implements RewardFunctionProvider {
        @Override
        public String ruleId() {
            return ID;
        }

        @Override
        public RewardFunction create(Map<String, Object> settings) {
            RuleSettings s = new RuleSettings(ID, settings);
            List<Integer> stages = s.getInts("stages", List.of(4, 6));
            for (int st : stages) {
                if (st < 1 || st > 7) {
                    throw new IllegalArgumentException("stages: SOP stages are 1..7, got " + st);
                }
            }
            Rule r = new TicketCoverage(s.points(-20), s.severity(Severity.MEDIUM), stages, s.getBoolean("infer_stage", true));
            s.done();
            return r;
        }
    }
}
