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

    @Option(names = "--max-failure-share", defaultValue = "0.1", paramLabel = "SHARE",
            description = "exit " + EXIT_SOURCE_FAILURES + " when a reward source failed for more than this share of the items, "
                    + "in [0, 1] (default: ${DEFAULT-VALUE}); traces are written either way")
    double maxFailureShare;

    /** The exit code when a source failed for more than {@code --max-failure-share} of the items. */
    static final int EXIT_SOURCE_FAILURES = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(maxFailureShare >= 0 && maxFailureShare <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-failure-share must be in [0, 1], got " + maxFailureShare);
        }
        PipelineConfig cfg = config == null ? PipelineConfig.defaults().withSources(false, true, true) : PipelineConfig.load(config);
        if (!cfg.rm() && (rmModel != null || rmAdapter != null || rmHead != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rm-model/--rm-adapter/--rm-head: the reward model is off in "
                    + cfg.origin() + "; expected no RM flags, or a --config pipeline with sources.rm: true");
        }
        if (cfg.rm() && (rmModel == null || rmHead == null)) {
            throw new IllegalArgumentException(cfg.origin() + ": sources.rm is on; give --rm-model DIR and --rm-head FILE (and --rm-adapter DIR)");
        }
        if (out != null) {
            repo.core.io.SafeFiles.checkOutputFile(out); // a link, a device or an unwritable folder fails before any model loads
        }
        List<ScoredItem> items = ScoredItems.read(input); // the whole file is validated before anything is scored
        try (ScoreHeadRewardModel rm = cfg.rm() ? ScoreHeadRewardModel.load(rmModel, rmAdapter, rmHead,
                ModelOptions.parse(device, ModelOptions.Precision.FP32), 8) : null;
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
            String failed = tooManyFailures(traces, maxFailureShare);
            if (failed != null) {
                spec.commandLine().getErr().println("repo score: " + failed);
                return EXIT_SOURCE_FAILURES;
            }
        }
        return 0;
    }

    /**
     * The first source that failed for more than {@code share} of the items, described in one line with its first
     * error; null when every source is within the share.
     */
    static String tooManyFailures(List<RewardTrace> traces, double share) {
        java.util.Map<String, int[]> counts = new java.util.LinkedHashMap<>(); // name -> {failed, seen}
        java.util.Map<String, String> firstError = new java.util.HashMap<>();
        for (RewardTrace t : traces) {
            for (var r : t.sources()) {
                int[] c = counts.computeIfAbsent(r.source(), k -> new int[2]);
                c[1]++;
                if (r.failed()) {
                    c[0]++;
                    firstError.putIfAbsent(r.source(), r.error());
                }
            }
        }
        for (var e : counts.entrySet()) {
            int failed = e.getValue()[0], seen = e.getValue()[1];
            if (failed > 0 && failed > share * seen) {
                String err = firstError.get(e.getKey());
                return String.format(Locale.ROOT, "source %s failed for %d of %d items (%.1f%%), more than --max-failure-share "
                        + "%s; first error: %s", e.getKey(), failed, seen, 100.0 * failed / seen, fmt(share),
                        err == null ? "-" : err.lines().findFirst().orElse(err));
            }
        }
        return null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
