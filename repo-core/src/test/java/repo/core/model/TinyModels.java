package repo.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import repo.core.io.SafetensorsWriter;

/** Tiny random checkpoints for tests (written once per JVM into a temp folder). */
public final class TinyModels {
    private static Path tied;

    private TinyModels() {
    }

    /** Fixtures shipped with the project, see src-test-fixtures/README.md. */
    public static Path fixtures() {
        String dir = System.getProperty("repo.fixtures");
        if (dir == null) {
            throw new IllegalStateException("system property repo.fixtures is not set; run the tests through Maven");
        }
        return Path.of(dir);
    }

    /** The `tiny` preset (real 151936 vocab, tied), seed 7, with the Qwen3 tokenizer files. */
    public static synchronized Path tiny() throws Exception {
        if (tied == null) {
            Path dir = java.nio.file.Files.createTempDirectory("repo-tiny").resolve("model");
            ModelInit.writeRandomCheckpoint(dir, Qwen3Config.Preset.TINY.config(), 7, 0.5, true, SafetensorsWriter.Storage.F32);
            tied = dir;
        }
        return tied;
    }

    /** Number of arrays alive under a manager (sub-managers included). */
    public static int liveArrays(NDManager m) {
        return m.getManagedArrays().size();
    }

    static {
        Engine.getInstance();
    }
}
