package repo.rewards.rm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import repo.rewards.api.RewardModel;
import repo.rewards.api.SourceResult;
import repo.rewards.io.ScoredItems;

/**
 * The mean and standard deviation of a reward model's scores on its own training data (chosen and rejected
 * replies), written by the RM trainer beside the score head as {@value #FILE}.
 *
 * <p>A Bradley–Terry RM is trained on score differences only, so its offset is arbitrary; the enhancement rule
 * reads the sign of R_model. Centring with these statistics makes "above the RM's training average" positive.
 *
 * @param mean mean score
 * @param std population standard deviation of the scores
 * @param count number of scores
 */
public record ScoreStats(double mean, double std, long count) {
    /** The file name beside {@code score_head.safetensors}. */
    public static final String FILE = "score_stats.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ScoreStats {
        if (!Double.isFinite(mean) || !Double.isFinite(std) || std < 0 || count < 1) {
            throw new IllegalArgumentException("RM score statistics need a finite mean, a finite std >= 0 and count >= 1; got "
                    + mean + ", " + std + ", " + count);
        }
    }

    /** What the RM source does with a raw score. */
    public enum Centring {
        /** the raw score. */
        NONE,
        /** score − mean. */
        MEAN,
        /** (score − mean) / std (score − mean when std is 0). */
        STANDARDIZE
    }

    /** Population mean and standard deviation of {@code scores} (at least one). */
    public static ScoreStats of(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("RM score statistics need at least one score");
        }
        double m = 0;
        for (double s : scores) {
            m += s;
        }
        m /= scores.length;
        double v = 0;
        for (double s : scores) {
            v += (s - m) * (s - m);
        }
        return new ScoreStats(m, Math.sqrt(v / scores.length), scores.length);
    }

    /** A raw score after {@code centring}. */
    public double apply(double score, Centring centring) {
        return switch (centring) {
            case NONE -> score;
            case MEAN -> score - mean;
            case STANDARDIZE -> std > 0 ? (score - mean) / std : score - mean;
        };
    }

    /** Wraps an RM so every successful score is centred; failures pass through. */
    public RewardModel centring(RewardModel rm, Centring centring) {
        return items -> {
            List<SourceResult> raw = rm.score(items);
            return raw.stream().map(r -> r.failed() ? r
                    : new SourceResult(r.source(), apply(r.value(), centring), r.findings(), r.latencyMillis(), null)).toList();
        };
    }

    /** Writes {@value #FILE} into {@code dir} (atomically). */
    public void write(Path dir) throws IOException {
        ScoredItems.writeAtomically(dir.resolve(FILE), String.format(Locale.ROOT,
                "{\"mean\": %s, \"std\": %s, \"count\": %d}%n", Double.toString(mean), Double.toString(std), count));
    }

    /** Reads {@value #FILE} from the folder of {@code headFile}, if the RM trainer wrote one there. */
    public static Optional<ScoreStats> besideHead(Path headFile) throws IOException {
        Path dir = headFile.toAbsolutePath().getParent();
        Path f = dir == null ? null : dir.resolve(FILE);
        if (f == null || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + ": not valid JSON (" + e.getMessage() + "); expected {\"mean\": .., \"std\": .., \"count\": ..}", e);
        }
        for (String key : List.of("mean", "std", "count")) {
            if (n == null || !n.path(key).isNumber()) {
                throw new IOException(f + ": key \"" + key + "\" is missing or not a number; expected {\"mean\": .., \"std\": .., \"count\": ..}");
            }
        }
        try {
            return Optional.of(new ScoreStats(n.get("mean").asDouble(), n.get("std").asDouble(), n.get("count").asLong()));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }
}
