package repo.core.reliability;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import repo.core.io.PeftAdapters;
import repo.core.io.SafetensorsFile;
import repo.core.model.ModelOptions;
import repo.core.model.Qwen3Model;

/**
 * Loads a batch of corrupted inputs, one after another, in one JVM: each line of the cases file is
 * {@code kind<TAB>path} with kind {@code model}, {@code adapter} or {@code safetensors}. Prints
 * {@code CASE i} before and {@code RESULT i ok} or {@code RESULT i err <lines> <type>: <first line>} after each;
 * {@code END} at the end. A case that kills the JVM leaves a CASE without a RESULT.
 */
public final class FuzzChildMain {
    private FuzzChildMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        List<String> cases = Files.readAllLines(Path.of(args[0]));
        Path base = Path.of(args[1]);
        try (Qwen3Model model = Qwen3Model.load(base, ModelOptions.cpu())) {
            for (int i = 0; i < cases.size(); i++) {
                String[] c = cases.get(i).split("\t", 2);
                out.println("CASE " + i);
                String result;
                try {
                    run(c[0], Path.of(c[1]), model, i);
                    result = "ok";
                } catch (Throwable t) {
                    String msg = String.valueOf(t.getMessage());
                    long lines = msg.lines().count();
                    result = "err " + lines + " " + t.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse("")
                            .replaceAll("[^\\x20-\\x7e\\u00a0-\\uffff]", "?");
                    if (t instanceof VirtualMachineError) {
                        result = "fatal " + result;
                    }
                }
                out.println("RESULT " + i + " " + result);
            }
        }
        out.println("END");
        System.exit(0);
    }

    private static void run(String kind, Path path, Qwen3Model base, int i) throws Exception {
        switch (kind) {
            case "model" -> {
                try (Qwen3Model m = Qwen3Model.load(path, ModelOptions.cpu())) {
                    m.config();
                }
            }
            case "adapter" -> {
                String name = "fuzz" + i;
                PeftAdapters.load(base, name, path);
                base.removeAdapter(name);
            }
            case "safetensors" -> {
                try (SafetensorsFile f = SafetensorsFile.open(path); NDManager m = NDManager.newBaseManager()) {
                    for (String name : f.tensors().keySet()) {
                        f.load(name, m, DataType.FLOAT32).close();
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
    }
}
