package repo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.eval.run.EvalJob;
import repo.eval.run.Evaluator;

/** {@code repo eval}: maps flags to {@link EvalJob}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate checkpoints (a base model and LoRA adapters on it) on evaluation sets and simulator dialogues; "
                + "write eval.json and report.html.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "base checkpoint folder") Path model;
    @Option(names = "--adapter", paramLabel = "NAME=DIR", description = "a checkpoint to evaluate: a PEFT adapter folder on the base (repeatable)")
    List<String> adapters = new ArrayList<>();
    @Option(names = "--set", required = true, paramLabel = "FILE", description = "evaluation set (repeatable)") List<Path> sets;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder for eval.json and report.html") Path out;
    @Option(names = "--base-name", defaultValue = "base", description = "name of the base model's row (default: ${DEFAULT-VALUE})") String baseName;
    @Option(names = "--no-base", description = "do not evaluate the base model itself") boolean noBase;
    @Option(names = "--run", paramLabel = "NAME=DIR", description = "a run folder whose metrics.jsonl is charted (repeatable)")
    List<String> runs = new ArrayList<>();
    @Option(names = "--max-new-tokens", defaultValue = "64", description = "reply length cap (default: ${DEFAULT-VALUE})") int maxNewTokens;
    @Option(names = "--batch", defaultValue = "16", description = "prompts per generation batch (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--sim-dialogues", defaultValue = "10", description = "K simulator dialogues for task success (default: ${DEFAULT-VALUE})") int simDialogues;
    @Option(names = "--sim-turns", defaultValue = "8", description = "N, agent turns per simulator dialogue (default: ${DEFAULT-VALUE})") int simTurns;
    @Option(names = "--seed", defaultValue = "1", description = "simulator seed (default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--judge", paramLabel = "FILE.yaml", description = "judge YAML for the reward-source breakdown (default: the offline judge)") Path judge;
    @Option(names = "--diff", paramLabel = "A,B", split = ",", description = "two checkpoints for the per-case diff (default: the first and the last)")
    List<String> diff = new ArrayList<>();
    @Option(names = "--device", defaultValue = "cpu", description = "cpu | gpu | gpu:N (default: ${DEFAULT-VALUE})") String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!diff.isEmpty() && diff.size() != 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--diff takes two checkpoint names, A,B");
        }
        EvalJob.Options o = new EvalJob.Options(model, pairs("--adapter", adapters), noBase ? null : baseName, sets, out, device,
                maxNewTokens, batch, new Evaluator.Settings(simDialogues, simTurns, seed), pairs("--run", runs), judge,
                diff.isEmpty() ? null : diff.get(0), diff.isEmpty() ? null : diff.get(1), "repo eval");
        EvalJob.run(o, System.out);
        return 0;
    }

    private Map<String, Path> pairs(String flag, List<String> values) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), flag + " " + v + ": expected NAME=DIR");
            }
            if (out.put(v.substring(0, eq), Path.of(v.substring(eq + 1))) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), flag + ": the name " + v.substring(0, eq) + " is given twice");
            }
        }
        return out;
    }
}
