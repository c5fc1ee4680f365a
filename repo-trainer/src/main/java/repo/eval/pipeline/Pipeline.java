package repo.eval.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.core.text.TokenMap;
import repo.eval.AtomicFiles;
import repo.eval.data.DataGenerator;
import repo.eval.data.HotelDb;
import repo.eval.run.EvalJob;
import repo.eval.run.Evaluator;
import repo.eval.run.Results;
import repo.trainer.Trainers;
import repo.trainer.common.Checkpoints;
import repo.trainer.config.TrainConfig;

/**
 * {@code repo pipeline}: data, a small Qwen3-shaped model, full-parameter training on the generated corpus (the base
 * that speaks the task), then SFT, RM, DPO, PPO, GRPO and REPO under one budget, then the evaluation of the base and
 * every method. Each stage prints its progress and leaves a marker when done; a rerun skips finished stages and
 * resumes an interrupted training stage from its newest complete checkpoint. The trainers are called through
 * {@link Trainers#train}, as {@code repo train} calls them.
 */
public final class Pipeline {
    /** Method names in report order. */
    public static final List<String> METHODS = List.of("sft", "dpo", "ppo", "grpo", "repo");

    private final PipelineSpec spec;
    private final Path run;
    private final PrintStream log;
    private final List<String> stages = List.of("data", "init", "pretrain", "sft", "rm", "dpo", "ppo", "grpo", "repo", "eval");

    public Pipeline(PipelineSpec spec, PrintStream log) {
        this.spec = spec;
        this.run = spec.output().toAbsolutePath();
        this.log = log;
    }

    public Path runDir() {
        return run;
    }

    public List<Results.Checkpoint> run() throws Exception {
        Files.createDirectories(run.resolve("stages"));
        AtomicFiles.write(run.resolve("pipeline.yaml"), describe());
        long t0 = System.nanoTime();
        Path data = run.resolve("data");
        stage("data", () -> new DataGenerator(new DataGenerator.Config(spec.seed(), spec.data().sft(), spec.data().pairs(), spec.data().prompts(),
                spec.data().online(), spec.data().badCases(), 5, 0.7, 0.15), HotelDb.bundled()).write(data));
        Path init = run.resolve("init");
        stage("init", () -> {
            deleteTree(init);
            TokenMap vocab = null;
            if (spec.taskVocab()) { // the training files' tokens only: eval hotels' names may fall back to byte tokens
                vocab = TokenMap.ofJsonl(List.of(data.resolve(DataGenerator.SFT), data.resolve(DataGenerator.PREFS),
                        data.resolve(DataGenerator.PROMPTS)));
            }
            ModelInit.writeRandomCheckpoint(init, Qwen3Config.Preset.parse(spec.preset()).config(), spec.seed(), 0.02, false,
                    SafetensorsWriter.Storage.F32, vocab);
        });
        Path sft = data.resolve(DataGenerator.SFT);
        Path prefs = data.resolve(DataGenerator.PREFS);
        Path prompts = data.resolve(DataGenerator.PROMPTS);
        train("pretrain", TrainYaml.pretrain(spec, init, run.resolve("pretrain"), sft));
        Path base = run.resolve("pretrain/final/model");
        train("sft", TrainYaml.sft(spec, base, run.resolve("sft"), sft));
        train("rm", TrainYaml.rm(spec, base, run.resolve("rm"), prefs));
        Path dpoPairs = data.resolve("prefs-dpo.jsonl");
        if (!Files.exists(dpoPairs)) { // DPO scores every pair under the reference first: give it the pairs its budget uses
            AtomicFiles.write(dpoPairs, String.join("\n", Files.readAllLines(prefs).subList(0,
                    Math.min(spec.methods().steps() * spec.methods().batchSize(), Files.readAllLines(prefs).size()))) + "\n");
        }
        train("dpo", TrainYaml.dpo(spec, base, run.resolve("dpo"), dpoPairs));
        Path rm = run.resolve("rm/final");
        for (String m : List.of("ppo", "grpo", "repo")) {
            train(m, TrainYaml.rl(m, spec, base, run.resolve(m), prompts, rm, null));
        }
        List<Results.Checkpoint> out = new ArrayList<>();
        stage("eval", () -> out.addAll(EvalJob.run(evalOptions(base, data), log)));
        if (out.isEmpty()) {
            log.println("eval: done earlier; results in " + run.resolve("eval.json"));
        }
        log.printf("pipeline finished in %.1f min; run folder %s (eval.json, report.html)%n", (System.nanoTime() - t0) / 6e10, run);
        return out;
    }

    EvalJob.Options evalOptions(Path base, Path data) {
        Map<String, Path> adapters = new LinkedHashMap<>();
        adapters.put("sft", run.resolve("sft/final/adapter"));
        adapters.put("dpo", run.resolve("dpo/final/adapter"));
        for (String m : List.of("ppo", "grpo", "repo")) {
            adapters.put(m, run.resolve(m + "/final/policy"));
        }
        Map<String, Path> runs = new LinkedHashMap<>();
        for (String s : List.of("pretrain", "sft", "rm", "dpo", "ppo", "grpo", "repo")) {
            runs.put(s, run.resolve(s));
        }
        return new EvalJob.Options(base, adapters, "base", List.of(data.resolve(DataGenerator.ONLINE), data.resolve(DataGenerator.BAD_CASES)),
                run, spec.device(), spec.eval().maxNewTokens(), spec.eval().batch(),
                new Evaluator.Settings(spec.eval().simDialogues(), spec.eval().simTurns(), spec.seed()), runs, null, "base", "repo",
                "repo pipeline (seed " + spec.seed() + ")");
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private void stage(String name, Body body) throws Exception {
        int i = stages.indexOf(name) + 1;
        Path marker = run.resolve("stages").resolve(name + ".done");
        if (Files.exists(marker)) {
            log.printf("[%d/%d] %s: done earlier, skipped%n", i, stages.size(), name);
            return;
        }
        log.printf("[%d/%d] %s: started%n", i, stages.size(), name);
        log.flush();
        long t0 = System.nanoTime();
        body.run();
        AtomicFiles.write(marker, String.format("%.1f s%n", (System.nanoTime() - t0) / 1e9));
        log.printf("[%d/%d] %s: done in %.1f s%n", i, stages.size(), name, (System.nanoTime() - t0) / 1e9);
        log.flush();
    }

    private void train(String name, String yaml) throws Exception {
        Path cfgFile = run.resolve("configs").resolve(name + ".yaml");
        stage(name, () -> {
            AtomicFiles.write(cfgFile, yaml);
            TrainConfig cfg = TrainConfig.load(cfgFile);
            boolean resume = Files.isDirectory(cfg.output()) && Checkpoints.latest(cfg.output()).isPresent();
            if (resume) {
                log.printf("      %s: resuming from %s%n", name, Checkpoints.latest(cfg.output()).orElseThrow());
            } else {
                deleteTree(cfg.output()); // an interrupted start without a complete checkpoint begins again
            }
            Trainers.train(cfg, resume);
        });
    }

    private String describe() {
        return "# the settings this run used (repo pipeline)\n" + spec.toYaml();
    }

    /** Deletes a folder this pipeline created (never follows links out of it). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
