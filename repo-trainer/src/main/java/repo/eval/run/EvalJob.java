package repo.eval.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.core.model.ModelOptions;
import repo.eval.AtomicFiles;
import repo.eval.report.EvalJson;
import repo.eval.report.HtmlReport;
import repo.eval.report.PaperTable;
import repo.eval.sets.EvalDialogue;

/** {@code repo eval}: every checkpoint (the base and each adapter) on every set; eval.json and report.html. */
public final class EvalJob {
    /**
     * @param model base checkpoint folder
     * @param adapters checkpoint name to PEFT adapter folder, in report order
     * @param baseName name of the base model's row, or null to leave the base out
     * @param sets evaluation set files (online and bad-case format)
     * @param out output folder (eval.json, report.html)
     * @param runs run name to run folder whose metrics.jsonl is charted
     * @param judge judge YAML for the reward-source breakdown, or null for the offline judge
     * @param diffA first checkpoint of the per-case diff, or null (then: the first and the last checkpoint)
     */
    public record Options(Path model, Map<String, Path> adapters, String baseName, List<Path> sets, Path out, String device,
                          int maxNewTokens, int batch, Evaluator.Settings sim, Map<String, Path> runs, Path judge,
                          String diffA, String diffB, String title) {
        public Options {
            adapters = new LinkedHashMap<>(adapters);
            runs = new LinkedHashMap<>(runs);
            if (sets.isEmpty()) {
                throw new IllegalArgumentException("give at least one --set FILE");
            }
            if (baseName == null && adapters.isEmpty()) {
                throw new IllegalArgumentException("nothing to evaluate: the base is left out and no --adapter was given");
            }
            if (maxNewTokens < 1 || batch < 1) {
                throw new IllegalArgumentException("--max-new-tokens and --batch must be >= 1");
            }
        }
    }

    private EvalJob() {
    }

    public static List<Results.Checkpoint> run(Options o, PrintStream log) throws Exception {
        List<EvalDialogue> dialogues = new ArrayList<>();
        for (Path p : o.sets()) {
            dialogues.addAll(EvalDialogue.read(p));
        }
        int cases = dialogues.stream().mapToInt(d -> d.cases().size()).sum();
        List<Results.Checkpoint> cps = new ArrayList<>();
        try (ModelAgent agent = new ModelAgent(o.model(), ModelOptions.parse(o.device(), ModelOptions.Precision.FP32),
                o.maxNewTokens(), o.batch());
             PipelineScorer scorer = new PipelineScorer(null, o.judge())) {
            for (Map.Entry<String, Path> a : o.adapters().entrySet()) {
                agent.addAdapter(a.getKey(), a.getValue());
            }
            List<String[]> order = new ArrayList<>();
            if (o.baseName() != null) {
                order.add(new String[] {o.baseName(), null});
            }
            o.adapters().keySet().forEach(n -> order.add(new String[] {n, n}));
            for (String[] cp : order) {
                long t0 = System.nanoTime();
                log.printf("eval %s: %d dialogues, %d cases, %d simulator dialogues%n", cp[0], dialogues.size(), cases, o.sim().simDialogues());
                Results.Checkpoint r = Evaluator.evaluate(cp[0], agent.with(cp[1]), dialogues, o.sim(), scorer);
                cps.add(r);
                log.printf("eval %s: rating %.2f, clean fix %s, severe unresolved %s, task success %s (%.0f s)%n", cp[0], r.rating(),
                        PaperTable.percent(r.cleanFixRate()), PaperTable.percent(r.severeUnresolvedRate()),
                        PaperTable.percent(r.taskSuccessRate()), (System.nanoTime() - t0) / 1e9);
            }
        }
        write(o, cps);
        log.println();
        log.print(PaperTable.render(cps));
        log.println();
        log.println("wrote " + o.out().resolve("eval.json") + " and " + o.out().resolve("report.html"));
        return cps;
    }

    /** Writes eval.json and report.html for finished checkpoints. */
    public static void write(Options o, List<Results.Checkpoint> cps) throws Exception {
        String a = o.diffA() != null ? o.diffA() : cps.isEmpty() ? null : cps.get(0).name();
        String b = o.diffB() != null ? o.diffB() : cps.isEmpty() ? null : cps.get(cps.size() - 1).name();
        AtomicFiles.write(o.out().resolve("eval.json"), EvalJson.render(cps, a, b));
        AtomicFiles.write(o.out().resolve("report.html"), HtmlReport.render(o.title(), cps, o.runs(), a, b));
    }
}
