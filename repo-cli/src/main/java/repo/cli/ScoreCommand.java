package repo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.api.ScoredItem;
import repo.rewards.io.ScoredItems;
import repo.rewards.trace.RewardTrace;
import repo.rewards.trace.Summary;

/** {@code repo score}: maps flags to {@link RewardPipeline}; prints per-rule and per-source tables. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score candidate replies (JSONL: task, history, reply) with the configured reward sources and print per-rule and per-source tables.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE.yaml", description = "pipeline YAML (sources, combiner, rules); default: every rule on, no RM, no judge")
    Path config;
    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "one item per line") Path input;
    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "write one reward trace per item") Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig cfg = config == null ? PipelineConfig.defaults() : PipelineConfig.load(config);
        if (cfg.rm()) {
            throw new IllegalArgumentException(cfg.origin() + ": sources.rm is on, but repo score has no reward model to load yet; set sources.rm: false");
        }
        if (cfg.judge()) {
            throw new IllegalArgumentException(cfg.origin() + ": sources.judge is on, but repo score has no judge to load yet; set sources.judge: false");
        }
        List<ScoredItem> items = ScoredItems.read(input); // the whole file is validated before anything is scored
        RewardPipeline pipeline = new RewardPipeline(cfg, null, null);
        PrintWriter o = spec.commandLine().getOut();
        o.println("rm: off (no reward model configured)");
        o.println("judge: off (no judge configured)");
        o.println(pipeline.ruleSet() == null ? "rules: off" : "rules: on (" + pipeline.ruleSet().ids().size() + " rules)");
        o.println("combiner: " + cfg.combiner().name().toLowerCase(java.util.Locale.ROOT)
                + (cfg.combiner() == repo.rewards.combine.CombinerKind.ENHANCEMENT ? " (n = " + fmt(cfg.n()) + ")" : "")
                + ", on source failure: " + cfg.onSourceFailure().name().toLowerCase(java.util.Locale.ROOT));
        List<RewardTrace> traces = pipeline.score(items);
        o.println();
        o.print(Summary.of(traces, pipeline.ruleSet() == null ? List.of() : pipeline.ruleSet().ids()).render());
        if (out != null) {
            RewardTrace.writeAll(out, traces);
            o.println();
            o.println("traces: " + out + " (" + traces.size() + " lines)");
        }
        o.flush();
        return 0;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
