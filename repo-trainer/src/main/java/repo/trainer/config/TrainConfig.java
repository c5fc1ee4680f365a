package repo.trainer.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import repo.core.model.LoraConfig;
import repo.core.model.ModelOptions;
import repo.trainer.common.LrSchedule;

/**
 * One training run, as written in YAML (snake_case keys; see {@code configs/} for commented examples).
 * Relative paths are resolved against the working directory. Every section is a validated record; a bad
 * file is reported with the file name, the key path and what would be right.
 *
 * @param algorithm what to train
 * @param model the base Hugging Face checkpoint folder
 * @param output the run folder: metrics.jsonl, checkpoints/, final/
 * @param device cpu, gpu or gpu:N
 * @param precision weight storage (FP32 on CPU)
 * @param seed seeds data order, adapter init and sampling
 * @param data training (and optional held-out) data
 * @param lora the adapter to train (ignored with {@code full_parameter: true})
 * @param fullParameter train every weight of the model instead of an adapter (small models)
 * @param optim optimiser and schedule
 * @param train steps, batch sizes, checkpointing
 * @param dpo DPO settings (algorithm dpo)
 */
public record TrainConfig(
        Algorithm algorithm,
        Path model,
        Path output,
        String device,
        ModelOptions.Precision precision,
        long seed,
        DataSection data,
        LoraSection lora,
        @JsonProperty("full_parameter") boolean fullParameter,
        OptimSection optim,
        LoopSection train,
        DpoSection dpo) {

    public TrainConfig {
        require(algorithm != null, "algorithm", "one of sft, rm, dpo, ppo, grpo, repo");
        require(model != null, "model", "the base checkpoint folder");
        require(output != null, "output", "the run folder");
        device = device == null ? "cpu" : device;
        ModelOptions.parseDevice(device);
        precision = precision == null ? ModelOptions.Precision.FP32 : precision;
        require(data != null, "data", "a section with at least \"train\"");
        lora = lora == null ? new LoraSection(null, null, null, null, null) : lora;
        optim = optim == null ? new OptimSection(null, null, null, null, null, null, null, null, null) : optim;
        train = train == null ? new LoopSection(null, null, null, null, null, null, null, null) : train;
        dpo = dpo == null ? new DpoSection(null) : dpo;
        if (fullParameter && precision == ModelOptions.Precision.FP16_WEIGHTS) {
            throw new IllegalArgumentException("full_parameter training needs precision FP32 (or FP64), not FP16_WEIGHTS");
        }
    }

    static void require(boolean ok, String key, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("missing key \"" + key + "\": expected " + expected);
        }
    }

    public ModelOptions modelOptions() {
        return new ModelOptions(ModelOptions.parseDevice(device), precision);
    }

    /**
     * @param train JSON Lines training data (SFT dialogues or preference pairs)
     * @param eval optional held-out file of the same format
     * @param evalFraction share of {@code train} held out when {@code eval} is absent (0 = none)
     */
    public record DataSection(Path train, Path eval, @JsonProperty("eval_fraction") Double evalFraction) {
        public DataSection {
            require(train != null, "data.train", "a JSON Lines file");
            evalFraction = evalFraction == null ? 0.0 : evalFraction;
            if (evalFraction < 0 || evalFraction >= 1) {
                throw new IllegalArgumentException("data.eval_fraction must be in [0, 1), got " + evalFraction);
            }
        }
    }

    /** LoRA settings; defaults r 16, alpha 32, dropout 0, all seven projections, no rsLoRA. */
    public record LoraSection(Integer r, Double alpha, Double dropout,
                              @JsonProperty("target_modules") List<String> targetModules,
                              @JsonProperty("use_rslora") Boolean useRslora) {
        public LoraSection {
            build(r, alpha, dropout, targetModules, useRslora); // validate early, with the key in the message
        }

        public LoraConfig toLoraConfig() {
            return build(r, alpha, dropout, targetModules, useRslora);
        }

        private static LoraConfig build(Integer r, Double alpha, Double dropout, List<String> targets, Boolean rslora) {
            try {
                return new LoraConfig(r == null ? 16 : r, alpha == null ? 32.0 : alpha, dropout == null ? 0.0 : dropout,
                        targets == null ? LoraConfig.ALL_LINEAR : targets, rslora != null && rslora);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lora: " + e.getMessage(), e);
            }
        }
    }

    /**
     * AdamW and the learning-rate schedule. Defaults: lr 1e-4, weight decay 0, betas 0.9/0.999, eps 1e-8,
     * clip 1.0, cosine with 0 warm-up steps down to 0.
     */
    public record OptimSection(Double lr, @JsonProperty("weight_decay") Double weightDecay, Double beta1, Double beta2,
                               Double eps, @JsonProperty("max_grad_norm") Double maxGradNorm, LrSchedule.Kind schedule,
                               @JsonProperty("warmup_steps") Integer warmupSteps,
                               @JsonProperty("min_lr_ratio") Double minLrRatio) {
        public OptimSection {
            lr = lr == null ? 1e-4 : lr;
            weightDecay = weightDecay == null ? 0.0 : weightDecay;
            beta1 = beta1 == null ? 0.9 : beta1;
            beta2 = beta2 == null ? 0.999 : beta2;
            eps = eps == null ? 1e-8 : eps;
            maxGradNorm = maxGradNorm == null ? 1.0 : maxGradNorm;
            schedule = schedule == null ? LrSchedule.Kind.COSINE : schedule;
            warmupSteps = warmupSteps == null ? 0 : warmupSteps;
            minLrRatio = minLrRatio == null ? 0.0 : minLrRatio;
            if (!(lr > 0)) {
                throw new IllegalArgumentException("optim.lr must be > 0, got " + lr);
            }
            if (!(maxGradNorm > 0)) {
                throw new IllegalArgumentException("optim.max_grad_norm must be > 0, got " + maxGradNorm);
            }
        }

        public LrSchedule schedule(int totalSteps) {
            return new LrSchedule(schedule, lr, warmupSteps, totalSteps, minLrRatio);
        }
    }

    /**
     * The training loop. Defaults: batch 8 examples per optimiser step, micro-batches of at most 4096 padded
     * tokens (gradients accumulate over them), 100 steps, a checkpoint every 50 steps keeping 2, examples of
     * at most 2048 tokens (longer ones are an error naming the example).
     */
    public record LoopSection(@JsonProperty("batch_size") Integer batchSize,
                              @JsonProperty("micro_batch_tokens") Integer microBatchTokens,
                              @JsonProperty("max_steps") Integer maxSteps, @JsonProperty("save_every") Integer saveEvery,
                              @JsonProperty("keep_last") Integer keepLast, @JsonProperty("log_every") Integer logEvery,
                              @JsonProperty("max_length") Integer maxLength, Boolean progress) {
        public LoopSection {
            batchSize = positive("train.batch_size", batchSize, 8);
            microBatchTokens = positive("train.micro_batch_tokens", microBatchTokens, 4096);
            maxSteps = positive("train.max_steps", maxSteps, 100);
            saveEvery = positive("train.save_every", saveEvery, 50);
            keepLast = positive("train.keep_last", keepLast, 2);
            logEvery = positive("train.log_every", logEvery, 1);
            maxLength = positive("train.max_length", maxLength, 2048);
            progress = progress == null || progress;
        }
    }

    /** @param beta DPO temperature β (default 0.1) */
    public record DpoSection(Double beta) {
        public DpoSection {
            beta = beta == null ? 0.1 : beta;
            if (!(beta > 0)) {
                throw new IllegalArgumentException("dpo.beta must be > 0, got " + beta);
            }
        }
    }

    static int positive(String key, Integer v, int dflt) {
        int x = v == null ? dflt : v;
        if (x <= 0) {
            throw new IllegalArgumentException(key + " must be a positive integer, got " + x);
        }
        return x;
    }

    // ---- YAML ----------------------------------------------------------------------------------

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Reads and validates a YAML run configuration. */
    public static TrainConfig load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code origin} names it in errors. */
    public static TrainConfig parse(String yaml, String origin) {
        try {
            return YAML.readValue(yaml, TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(origin + ": unknown key \"" + path(e) + "\"; known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(origin + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(origin + ": key \"" + path(e) + "\" has the wrong type: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** The configuration as JSON, stored in every checkpoint. */
    public JsonNode toJson() {
        return new ObjectMapper().valueToTree(this);
    }
}
