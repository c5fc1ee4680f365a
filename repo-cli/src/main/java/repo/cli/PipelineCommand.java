package repo.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.eval.pipeline.Pipeline;
import repo.eval.pipeline.PipelineSpec;

/** {@code repo pipeline}: maps flags to {@link Pipeline}. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "The main job: generate data, init a small Qwen3 model, train it on the task, then SFT, RM, DPO, PPO, GRPO and REPO "
                + "under one budget, evaluate base and every method; eval.json and report.html in the run folder. Rerun to resume.")
final class PipelineCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE.yaml", description = "pipeline settings, e.g. configs/tiny-pipeline.yaml")
    Path config;
    @Option(names = "--seed", paramLabel = "N", description = "override the config's seed (and the run folder gets a -seedN suffix)")
    Long seed;
    @Option(names = "--output", paramLabel = "DIR", description = "override the config's run folder")
    Path output;

    @Override
    public Integer call() throws Exception {
        PipelineSpec s = PipelineSpec.load(config);
        if (seed != null) {
            s = new PipelineSpec(output != null ? output : Path.of(s.output() + "-seed" + seed), seed, s.device(), s.preset(), s.taskVocab(), s.data(), s.pretrain(),
                    s.methods(), s.rm(), s.rl(), s.eval());
        } else if (output != null) {
            s = new PipelineSpec(output, s.seed(), s.device(), s.preset(), s.taskVocab(), s.data(), s.pretrain(), s.methods(), s.rm(), s.rl(), s.eval());
        }
        new Pipeline(s, System.out).run();
        return 0;
    }
}
