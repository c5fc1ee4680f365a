package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** An objective whose trainable state is a {@link TrainableModel}'s adapter (or full weights); heads add to it. */
public abstract class ModelObjective<E> implements Objective<E> {
    protected final TrainableModel tm;

    protected ModelObjective(TrainableModel tm) {
        this.tm = tm;
    }

    @Override
    public List<NDArray> parameters() {
        return tm.parameters();
    }

    @Override
    public void save(Path dir) throws IOException {
        tm.save(dir);
    }

    @Override
    public void load(Path dir) throws IOException {
        tm.load(dir);
    }
}
