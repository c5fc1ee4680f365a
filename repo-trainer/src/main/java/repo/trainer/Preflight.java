package repo.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import repo.rewards.PipelineConfig;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.TrainerState;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

/**
 * Everything about a run that can be checked before a model or a data set is read: the files the configuration
 * names, the output folder, and what {@code --resume} would continue. Creates and changes nothing on disk.
 * Errors read {@code FILE: key.path: what is wrong; expected …} (or {@code --resume: …}).
 */
public final class Preflight {
    /** Keys that may differ on resume without {@code --allow-config-change}: they change no number of the run. */
    public static final Set<String> FREE_ON_RESUME = Set.of("train.progress", "train.log_every");

    private Preflight() {
    }

    public static void check(TrainConfig c, RunOptions o) throws IOException {
        String at = o.origin() + ": ";
        folder(at, "model", c.model(), "config.json", "a Hugging Face checkpoint folder with config.json (make one with repo init-model)");
        file(at, "data.train", c.data().train(), "a JSON Lines file");
        if (c.data().eval() != null) {
            file(at, "data.eval", c.data().eval(), "a JSON Lines file");
        }
        if (c.algorithm().isRl()) {
            rewards(at, c);
        }
        output(at, c.output());
        Optional<Checkpoints.Checkpoint> last = Checkpoints.latest(c.output());
        if (!o.resume()) {
            if (last.isPresent()) {
                throw new IllegalArgumentException(at + "output: " + c.output() + " already holds checkpoints (newest: step "
                        + last.get().step() + "); expected --resume to continue that run, or another output folder");
            }
            return;
        }
        if (last.isEmpty()) {
            throw new IllegalArgumentException("--resume: " + c.output() + " holds no checkpoint to continue; expected a run folder "
                    + "with checkpoints/step-NNNNNN (run without --resume to start afresh)");
        }
        int step = last.get().step();
        if (step >= c.train().maxSteps() && Files.isDirectory(c.output().resolve(TrainingLoop.FINAL))) {
            throw new IllegalArgumentException("--resume: " + c.output() + " has already finished (step " + step + " of train.max_steps "
                    + c.train().maxSteps() + ", final/ written); nothing to do. Expected a run that was stopped early, or a new "
                    + "output folder");
        }
        JsonNode before = TrainerState.read(last.get().dir()).config();
        if (before != null && before.isObject()) {
            List<String> changed = diff(before, c.toJson());
            List<String> refused = changed.stream().filter(d -> !o.allowConfigChange().contains(d.substring(0, d.indexOf(' '))))
                    .toList();
            if (!refused.isEmpty()) {
                throw new IllegalArgumentException("--resume: the configuration differs from the checkpoint's (" + last.get().dir()
                        + "): " + String.join(", ", refused) + "; expected the same configuration, or --allow-config-change "
                        + String.join(",", refused.stream().map(d -> d.substring(0, d.indexOf(' '))).toList()));
            }
        }
    }

    /**
     * {@code "key.path before -> after"} for every leaf both configurations hold that differs, sorted, except
     * {@link #FREE_ON_RESUME}. A key only one side holds (a key added by a newer version, a section an older version
     * also recorded) is not a change: its value is the default either way.
     */
    static List<String> diff(JsonNode before, JsonNode after) {
        Map<String, String> a = new java.util.TreeMap<>(), b = new java.util.TreeMap<>();
        flatten("", before, a);
        flatten("", after, b);
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.retainAll(b.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String x = a.get(k), y = b.get(k);
            if (!x.equals(y) && !FREE_ON_RESUME.contains(k)) {
                out.add(k + " " + x + " -> " + y);
            }
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, n.isTextual() ? n.asText() : n.toString()); // null as "null": null -> a path is a change
        }
    }

    private static void rewards(String at, TrainConfig c) {
        TrainConfig.RewardsSection r = c.rewards();
        boolean rmOn;
        if (r.pipeline() != null) {
            file(at, "rewards.pipeline", r.pipeline(), "a reward pipeline YAML (see configs/rewards-repo.yaml)");
            rmOn = PipelineConfig.load(r.pipeline()).rm(); // its own errors name that file
        } else {
            rmOn = true; // every RL default uses the reward model
        }
        if (r.rmAdapter() != null) {
            folder(at, "rewards.rm_adapter", r.rmAdapter(), "adapter_config.json", "the RM trainer's final/adapter folder");
        }
        if (r.rmHead() != null) {
            file(at, "rewards.rm_head", r.rmHead(), "the RM trainer's final/score_head.safetensors");
        } else if (rmOn) {
            throw new IllegalArgumentException(at + "rewards.rm_head: missing, but the reward model source is on ("
                    + (r.pipeline() == null ? "algorithm " + c.algorithm().yamlName() + " uses it by default" : r.pipeline() + " turns it on")
                    + "); expected the RM trainer's final/score_head.safetensors (and rewards.rm_adapter), or a rewards.pipeline "
                    + "with sources.rm: false");
        }
        if (r.judge() != null) {
            file(at, "rewards.judge", r.judge(), "a judge YAML (see configs/judge.yaml)");
        }
    }

    private static void output(String at, Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(at + "output: " + out + " is a file; expected a folder (created when missing)");
        }
        Path existing = out.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IllegalArgumentException(at + "output: " + out + " cannot be created (" + existing + " is not a folder); "
                    + "expected a path inside a writable folder");
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException(at + "output: " + existing + " is not writable; expected a writable folder");
        }
    }

    private static void file(String at, String key, Path p, String expected) {
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(at + key + ": " + p + " does not exist; expected " + expected);
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(at + key + ": " + p + " is not a readable file; expected " + expected);
        }
    }

    private static void folder(String at, String key, Path p, String inside, String expected) {
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(at + key + ": " + p + (Files.exists(p) ? " is not a folder" : " does not exist")
                    + "; expected " + expected);
        }
        if (!Files.isRegularFile(p.resolve(inside))) {
            throw new IllegalArgumentException(at + key + ": " + p + " has no " + inside + "; expected " + expected);
        }
    }
}
