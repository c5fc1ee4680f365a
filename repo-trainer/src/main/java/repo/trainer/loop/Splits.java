package repo.trainer.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.DataOrder;

/** Training and held-out examples from {@code data.train} and either {@code data.eval} or {@code data.eval_fraction}. */
public record Splits<T>(List<T> train, List<T> eval) {

    /** Reads a JSON Lines file into records. */
    @FunctionalInterface
    public interface Reader<T> {
        List<T> read(Path file) throws IOException;
    }

    public static <T> Splits<T> of(TrainConfig.DataSection data, long seed, Reader<T> reader) throws IOException {
        List<T> all = reader.read(data.train());
        if (data.eval() != null) {
            return new Splits<>(all, reader.read(data.eval()));
        }
        int held = (int) Math.floor(all.size() * data.evalFraction());
        if (held == 0) {
            return new Splits<>(all, List.of());
        }
        int[] order = new DataOrder(all.size(), seed ^ 0x5EEDL, true).epoch(0); // a fixed split, apart from the training order
        List<T> train = new ArrayList<>(), eval = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            (i < held ? eval : train).add(all.get(order[i]));
        }
        return new Splits<>(train, eval);
    }
}
