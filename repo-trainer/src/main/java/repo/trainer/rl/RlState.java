package repo.trainer.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an RL run carries from step to step besides weights and optimiser moments, checkpointed as
 * {@value #FILE} so that a resumed run continues exactly: the current KL coefficient (the adaptive controller
 * moves it) and the best held-out reward so far with its step.
 */
final class RlState {
    static final String FILE = "rl_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    double klCoef;
    double bestEval = Double.NEGATIVE_INFINITY;
    int bestStep = -1;

    RlState(double klCoef) {
        this.klCoef = klCoef;
    }

    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), String.format(Locale.ROOT, "{\"kl_coef\": %s, \"best_eval\": %s, \"best_step\": %d}%n",
                Double.toString(klCoef), Double.isFinite(bestEval) ? Double.toString(bestEval) : "null", bestStep));
    }

    /** Restores from a checkpoint folder; a checkpoint without the file (an older run) keeps the start values. */
    void read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return;
        }
        JsonNode n = JSON.readTree(f.toFile());
        if (!n.path("kl_coef").isNumber() || !n.path("best_step").isInt()) {
            throw new IOException(f + ": expected {\"kl_coef\": number, \"best_eval\": number or null, \"best_step\": int}");
        }
        klCoef = n.get("kl_coef").asDouble();
        bestEval = n.path("best_eval").isNumber() ? n.get("best_eval").asDouble() : Double.NEGATIVE_INFINITY;
        bestStep = n.get("best_step").asInt();
    }
}
