package repo.eval.report;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import repo.eval.run.Results;

/** The comparison in the paper's table format: one column per checkpoint, one row per metric (Markdown). */
public final class PaperTable {
    private PaperTable() {
    }

    public static String render(List<Results.Checkpoint> cps) {
        StringBuilder sb = new StringBuilder("| |");
        cps.forEach(c -> sb.append(' ').append(c.name()).append(" |"));
        sb.append("\n|---|");
        cps.forEach(c -> sb.append("---|"));
        sb.append('\n');
        row(sb, "Avg rating", cps, Results.Checkpoint::rating, false);
        row(sb, ">= 1 excellent", cps, Results.Checkpoint::excellentShare, true);
        row(sb, "Bad-case fix", cps, Results.Checkpoint::fixRate, true);
        row(sb, "Clean fix", cps, Results.Checkpoint::cleanFixRate, true);
        row(sb, "Fixed, major issue", cps, Results.Checkpoint::majorIssueRate, true);
        row(sb, "Severe unresolved", cps, Results.Checkpoint::severeUnresolvedRate, true);
        row(sb, "Task success", cps, Results.Checkpoint::taskSuccessRate, true);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, List<Results.Checkpoint> cps, ToDoubleFunction<Results.Checkpoint> f, boolean pct) {
        sb.append("| ").append(label).append(" |");
        for (Results.Checkpoint c : cps) {
            double v = f.applyAsDouble(c);
            sb.append(' ').append(pct ? percent(v) : !Double.isFinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v)).append(" |");
        }
        sb.append('\n');
    }

    /** A rate as a percentage, or n/a when the set had nothing to measure it on. */
    public static String percent(double rate) {
        return Double.isFinite(rate) ? String.format(Locale.ROOT, "%.2f%%", 100 * rate) : "n/a";
    }
}
