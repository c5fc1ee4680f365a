package repo.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.rewards.ota.eval.EvalItem;
import repo.rewards.ota.eval.EvalSet;
import repo.rewards.ota.eval.RulesEvaluation;
import repo.rewards.ota.rules.RuleSet;

/** {@code repo rewards-eval}: per-rule precision, recall and F1 of the rules on a labelled evaluation set. */
@Command(name = "rewards-eval", mixinStandardHelpOptions = true,
        description = "Measure the rules on a labelled evaluation set (data/rewards-eval/eval.jsonl): per-rule precision on "
                + "real text, recall on written violations, F1, confusion with other rules, false alarms and the worst misses.")
final class RewardsEvalCommand implements Callable<Integer> {
    @Option(names = "--set", required = true, paramLabel = "FILE.jsonl",
            description = "labelled replies: the score input schema plus labels, origin, lang, category")
    Path set;
    @Option(names = "--config", paramLabel = "FILE.yaml",
            description = "YAML whose 'rules' block configures the rules (a pipeline config works; other keys are ignored); default: every rule with its defaults")
    Path config;
    @Option(names = "--worst", defaultValue = "15", paramLabel = "N", description = "how many misses to list (default: ${DEFAULT-VALUE})")
    int worst;
    @Option(names = "--strict", description = "exit 3 when a target is missed")
    boolean strict;
    @Option(names = "--no-judge", description = "skip the offline judge's calibration table")
    boolean noJudge;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (worst < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--worst: expected a count >= 0, got " + worst);
        }
        RuleSet rules;
        if (config == null) {
            rules = RuleSet.defaults();
        } else {
            Map<String, Object> top = RuleSet.readYaml(config);
            rules = RuleSet.fromConfig(top.get("rules"), config.toString(), Thread.currentThread().getContextClassLoader());
        }
        List<EvalItem> items = EvalSet.read(set, RuleSet.discover(Thread.currentThread().getContextClassLoader()).keySet());
        RulesEvaluation eval = RulesEvaluation.run(rules, items);
        PrintWriter o = spec.commandLine().getOut();
        o.print(eval.render(worst));
        if (!noJudge) {
            o.println();
            o.println("offline rubric-rules judge (the fallback when no LLM judge is configured):");
            o.print(RulesEvaluation.judgeCalibration(new repo.rewards.ota.RubricRulesJudge(repo.rewards.judge.Rubric.builtin()), items));
        }
        o.flush();
        return strict && !eval.gaps().isEmpty() ? 3 : 0;
    }
}
