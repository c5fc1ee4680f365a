package repo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.Locale;
import repo.core.model.ModelOptions;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardPipeline;
import repo.rewards.RewardStack;
import repo.rewards.combine.CombinerKind;
import repo.rewards.rm.ScoreHeadRewardModel;
import repo.rewards.ota.rules.RuleSet;
import repo.rewards.ota.ScoredItem;
import repo.rewards.io.ScoredItems;
import repo.rewards.ota.OtaTask;
import repo.rewards.trace.RewardTrace;
import repo.rewards.trace.Summary;

/** {@code repo score}: maps flags to {@link RewardPipeline}; prints per-rule and per-source tables. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score candidate replies (JSONL: task, history, reply) with the configured reward sources (RM, judge, rules) and print per-rule and per-source tables.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE.yaml",
            description = "pipeline YAML (sources, combiner, rules); default: every rule on, the offline judge, no RM")
    Path config;
    @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "one item per line") Path input;
    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "write one reward trace per item") Path out;
    @Option(names = "--judge", paramLabel = "FILE.yaml", description = "judge YAML (see configs/judge.yaml); default: the offline rubric-rules judge")
    Path judge;
    @Option(names = "--rm-model", paramLabel = "DIR", description = "base checkpoint of the reward model (when sources.rm is on)")
    Path rmModel;
    @Option(names = "--rm-adapter", paramLabel = "DIR", description = "the RM trainer's final/adapter folder")
    Path rmAdapter;
    @Option(names = "--rm-head", paramLabel = "FILE", description = "the RM trainer's final/score_head.safetensors")
    Path rmHead;
    @Option(names = "--device", defaultValue = "cpu", description = "device of the reward model (default: ${DEFAULT-VALUE})")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PipelineConfig cfg = config == null ? PipelineConfig.defaults().withSources(false, true, true) : PipelineConfig.load(config);
        if (cfg.rm() && (rmModel == null || rmHead == null)) {
            throw new IllegalArgumentException(cfg.origin() + ": sources.rm is on; give --rm-model DIR and --rm-head FILE (and --rm-adapter DIR)");
        }
        List<ScoredItem> items = ScoredItems.read(input); // the whole file is validated before anything is scored
        try (ScoreHeadRewardModel rm = cfg.rm() ? ScoreHeadRewardModel.load(rmModel, rmAdapter, rmHead,
                new ModelOptions(ModelOptions.parseDevice(device), ModelOptions.Precision.FP32), 8) : null;
             RewardStack stack = RewardStack.open(cfg, rm, judge)) {
            PrintWriter o = spec.commandLine().getOut();
            o.println(stack.describe() + (cfg.combiner() == CombinerKind.ENHANCEMENT ? " (n = " + fmt(cfg.n()) + ")" : "")
                    + ", on source failure: " + cfg.onSourceFailure().name().toLowerCase(Locale.ROOT));
            List<RewardTrace> traces = stack.pipeline().score(items.stream().map(OtaTask::sample).toList());
            RuleSet rules = stack.ruleSet();
            o.println();
            o.print(Summary.of(traces, rules == null ? List.of() : rules.ids()).render());
            if (out != null) {
                RewardTrace.writeAll(out, traces);
                o.println();
                o.println("traces: " + out + " (" + traces.size() + " lines)");
            }
            o.flush();
        }
        return 0;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
