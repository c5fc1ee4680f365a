package repo.rewards.ota.rules;

import java.util.List;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.Sample;
import repo.rewards.api.Severity;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;

/**
 * Base class of the built-in rules: a stable id, the points one finding costs, and its severity.
 * Subclasses implement {@link #evaluate(ScoredItem)} and build findings with {@link #finding}.
 */
public abstract class Rule implements RewardFunction {
    private final String id;
    private final double points;
    private final Severity severity;

    protected Rule(String id, double points, Severity severity) {
        this.id = id;
        this.points = points;
        this.severity = severity;
    }

    public final String id() {
        return id;
    }

    public final double points() {
        return points;
    }

    public final Severity severity() {
        return severity;
    }

    /** A finding whose evidence is {@code reply[begin, end)}. */
    protected final Finding finding(String message, String reply, int begin, int end) {
        return new Finding(id, severity, points, message, new Finding.Evidence(begin, end, reply.substring(begin, end)));
    }

    /** A finding about something absent (no span to point at). */
    protected final Finding finding(String message) {
        return new Finding(id, severity, points, message, null);
    }

    /** The findings on an OTA item. */
    public abstract List<Finding> evaluate(ScoredItem item);

    /** The findings on a sample whose metadata carries the OTA task ({@link OtaTask#item}). */
    @Override
    public final List<Finding> evaluate(Sample sample) {
        return evaluate(OtaTask.item(sample));
    }

    @Override
    public String toString() {
        return id + "(" + points + ", " + severity.jsonName() + ")";
    }
}
