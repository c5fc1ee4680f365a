package repo.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import repo.core.io.HfCheckpoint;
import repo.core.io.SafetensorsWriter;
import repo.core.text.BundledTokenizer;
import repo.core.text.QwenTokenizer;
import repo.core.text.TokenMap;

/**
 * Randomly initialised Qwen3 checkpoints, as transformers initialises them: projections and embeddings
 * ~ N(0, std) with std = initializer_range (0.02), norm weights = 1. {@code perturbNorms} draws norm weights
 * from 1 + N(0, 0.1) instead, so that reference tests also see the norm weights at work.
 */
public final class ModelInit {
    static {
        HugePages.enable(); // before libtorch's first allocation
    }
    private ModelInit() {
    }

    /** Weights by Hugging Face name, created in {@code manager}; torch's RNG is seeded with {@code seed}. */
    public static Map<String, NDArray> randomWeights(Qwen3Config c, long seed, double std, boolean perturbNorms, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        HfCheckpoint.expectedShapes(c).forEach((name, dims) -> {
            Shape shape = new Shape(dims);
            NDArray a;
            if (name.endsWith("norm.weight")) {
                a = perturbNorms ? manager.randomNormal(1f, 0.1f, shape, DataType.FLOAT32) : manager.ones(shape, DataType.FLOAT32);
            } else {
                a = manager.randomNormal(0f, (float) std, shape, DataType.FLOAT32);
            }
            w.put(name, a);
        });
        return w;
    }

    /** Writes a complete HF checkpoint folder: config, weights, generation config and the Qwen3 tokenizer files. */
    public static void writeRandomCheckpoint(Path out, Qwen3Config c, long seed, double std, boolean perturbNorms,
                                             SafetensorsWriter.Storage storage) throws IOException {
        writeRandomCheckpoint(out, c, seed, std, perturbNorms, storage, null);
    }

    /**
     * As above; with a task vocabulary ({@code map} not null) the model gets {@code map.size()} rows of embedding and
     * LM head, its config the task ids of {@code <|endoftext|>} and {@code <|im_end|>}, and its folder
     * {@code token_map.json}, which {@link QwenTokenizer#fromDirectory} applies. Returns the config written.
     */
    public static Qwen3Config writeRandomCheckpoint(Path out, Qwen3Config c, long seed, double std, boolean perturbNorms,
                                                    SafetensorsWriter.Storage storage, TokenMap map) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>(BundledTokenizer.files());
        Path mapDir = null;
        if (map != null) {
            c = c.withShape(map.size(), null, null, null, null, null, null)
                    .withSpecialTokens(map.taskId(QwenTokenizer.ENDOFTEXT), map.taskId(QwenTokenizer.IM_END));
            mapDir = Files.createTempDirectory("repo-token-map");
            map.write(mapDir);
            files.put(TokenMap.FILE, mapDir.resolve(TokenMap.FILE));
        }
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            Map<String, NDArray> w = randomWeights(c, seed, std, perturbNorms, m);
            HfCheckpoint.write(out, c, w, storage, 2L << 30, files);
            return c;
        } finally {
            if (mapDir != null) {
                Files.deleteIfExists(mapDir.resolve(TokenMap.FILE));
                Files.deleteIfExists(mapDir);
            }
        }
    }
}
