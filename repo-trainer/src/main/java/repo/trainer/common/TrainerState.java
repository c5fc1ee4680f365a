package repo.trainer.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import repo.trainer.data.DataOrder;

/**
 * The {@code trainer_state.json} of a checkpoint: where the run stands and how it was configured.
 *
 * <p>The data order is a pure function of {@code seed} and the epoch (see {@link DataOrder}), so the seed plus
 * {@code (epoch, dataIndex)} is the whole random state of the data pipeline; {@code samplingSeed} is the seed a
 * method derives its own generators from (PPO/GRPO rollouts), stored so a resumed run reseeds the same way.
 *
 * @param step the optimizer steps done
 * @param epoch the epoch of the next example, from 0
 * @param dataIndex the index, within that epoch's order, of the next example
 * @param seed the data-order seed
 * @param samplingSeed the seed of any other random draws of the method
 * @param config the run's configuration as JSON (never {@code null}; {@code NullNode} if there is none)
 * @param torchThreads torch's intra-op thread count when the checkpoint was written (0: not recorded). Reductions
 *     over large arrays (a log-softmax over the vocabulary, a gradient norm) are split into one part per thread and
 *     their sums rounded in that order, so a run resumed with a different count computes different bits; the
 *     resumed run uses this count (see {@link RunFolder#begin}).
 */
public record TrainerState(int step, int epoch, int dataIndex, long seed, long samplingSeed, JsonNode config, int torchThreads) {

    /** The file name inside a checkpoint. */
    public static final String FILE = "trainer_state.json";
    /**
     * The layout of {@link #FILE}: 1 had no {@code format_version}; 2 adds it with {@code library_version} and
     * {@code git_commit}. A newer version than this build knows is refused.
     */
    public static final int FORMAT_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Checks the counters and copies the config. */
    public TrainerState {
        if (step < 0 || epoch < 0 || dataIndex < 0 || torchThreads < 0) {
            throw new IllegalArgumentException("step " + step + ", epoch " + epoch + ", dataIndex " + dataIndex
                    + ", torchThreads " + torchThreads + ": expected all >= 0");
        }
        config = config == null ? NullNode.getInstance() : config.deepCopy();
    }

    /** The data position to resume from. */
    public DataOrder.Position position() {
        return new DataOrder.Position(epoch, dataIndex);
    }

    /** Writes {@link #FILE} into {@code dir}. */
    public void write(Path dir) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("format_version", FORMAT_VERSION);
        node.put("library_version", BuildInfo.VERSION);
        node.put("git_commit", BuildInfo.COMMIT);
        node.put("step", step);
        node.put("epoch", epoch);
        node.put("data_index", dataIndex);
        node.put("seed", seed);
        node.put("sampling_seed", samplingSeed);
        node.put("torch_threads", torchThreads);
        node.set("config", config);
        Files.write(dir.resolve(FILE), JSON.writeValueAsBytes(node));
    }

    /**
     * Reads {@link #FILE} from a checkpoint folder.
     *
     * @throws IllegalArgumentException if a field is missing or of the wrong type
     */
    public static TrainerState read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        JsonNode node = JSON.readTree(file.toFile());
        int format = node.path("format_version").asInt(1);
        if (format > FORMAT_VERSION) {
            throw new IllegalArgumentException(file + ": format_version " + format + " is newer than this build reads ("
                    + FORMAT_VERSION + "); expected a checkpoint written by this or an older version");
        }
        try {
            return new TrainerState(integer(node, "step"), integer(node, "epoch"), integer(node, "data_index"),
                    longValue(node, "seed"), longValue(node, "sampling_seed"),
                    node.has("config") ? node.get("config") : NullNode.getInstance(),
                    node.has("torch_threads") ? integer(node, "torch_threads") : 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + value + ": expected an integer");
        }
        return value.intValue();
    }

    private static long longValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" is " + value + ": expected an integer");
        }
        return value.longValue();
    }
}
