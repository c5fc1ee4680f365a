package repo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import repo.trainer.Trainers;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;

/**
 * Seconds per RL step and its split (generation, scoring, old log-probs, update): an RL configuration's trainer runs
 * a few steps into a temporary run folder (the configured output is not touched), and the metrics' {@code time_*_s}
 * are averaged over every step but the first (a warm-up).
 */
final class RlBench {
    /** JSON key -> metrics.jsonl key. */
    static final Map<String, String> SPLIT = Map.of("rl_generation_s", "time_generation_s", "rl_scoring_s", "time_scoring_s",
            "rl_old_logprobs_s", "time_old_logprobs_s", "rl_update_s", "time_update_s");
    static final List<String> KEYS = List.of("rl_step_s", "rl_generation_s", "rl_scoring_s", "rl_old_logprobs_s", "rl_update_s");

    private RlBench() {
    }

    static Map<String, Double> run(Path configFile, int steps) throws IOException {
        Path tmp = Files.createTempDirectory("repo-bench-rl");
        try {
            TrainConfig c = TrainConfig.load(configFile, List.of("output=" + tmp.resolve("run"), "train.max_steps=" + steps,
                    "train.save_every=" + steps, "train.keep_last=1", "train.progress=false"));
            if (!c.algorithm().isRl()) {
                throw new IllegalArgumentException("--rl-config " + configFile + ": algorithm " + c.algorithm().yamlName()
                        + " is not an RL algorithm; name a ppo, grpo or repo configuration");
            }
            Trainers.train(c, false);
            List<MetricsLog.Entry> log = MetricsLog.read(c.output().resolve("metrics.jsonl"));
            List<MetricsLog.Entry> timed = log.subList(1, log.size());
            Map<String, Double> out = new LinkedHashMap<>();
            double total = 0;
            for (String k : KEYS.subList(1, KEYS.size())) {
                double v = timed.stream().mapToDouble(e -> e.extra().getOrDefault(SPLIT.get(k), Double.NaN)).average().orElse(Double.NaN);
                out.put(k, v);
                total += v;
            }
            Map<String, Double> all = new LinkedHashMap<>();
            all.put("rl_step_s", total);
            all.putAll(out);
            return all;
        } finally {
            Checkpoints.deleteTree(tmp);
        }
    }
}
