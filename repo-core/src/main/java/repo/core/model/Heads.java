package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import repo.core.io.SafetensorsException;
import repo.core.io.SafetensorsFile;
import repo.core.io.SafetensorsWriter;

/** Saving and loading the small safetensors files of {@link ValueHead} and {@link ScoreHead}. */
final class Heads {
    private Heads() {
    }

    static void checkDtype(DataType dtype) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("a head is kept in FLOAT32 (or FLOAT64 for gradient checks), got " + dtype);
        }
    }

    /** Writes {@code tensors} as F32 (fp64 heads are rounded), format "pt". */
    static void save(Path file, Map<String, NDArray> tensors) throws IOException {
        try (NDScope scope = new NDScope()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> out.put(k, v.getDataType() == DataType.FLOAT32 ? v : v.toType(DataType.FLOAT32, false)));
            SafetensorsWriter.write(file, out, Map.of(), SafetensorsWriter.Storage.F32);
        }
    }

    /**
     * Loads exactly the tensors of {@code shapes} (rank and trailing sizes as given; a -1 matches any size) as
     * trainable leaves in {@code dtype} owned by {@code m}.
     */
    static Map<String, NDArray> load(Path file, Map<String, long[]> shapes, String what, NDManager m, DataType dtype) {
        checkDtype(dtype);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Set<String> extra = new TreeSet<>(f.tensors().keySet());
            extra.removeAll(shapes.keySet());
            if (!extra.isEmpty()) {
                throw new SafetensorsException(file + ": tensor '" + extra.iterator().next() + "': not part of a " + what
                        + ", which holds exactly " + shapes.keySet());
            }
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                if (!f.tensors().containsKey(e.getKey())) {
                    throw new SafetensorsException(file + ": tensor '" + e.getKey() + "': missing; a " + what + " holds "
                            + shapes.keySet());
                }
                long[] got = f.tensors().get(e.getKey()).shape();
                if (!fits(got, e.getValue())) {
                    throw new SafetensorsException(file + ": tensor '" + e.getKey() + "': shape " + Arrays.toString(got)
                            + ", expected " + Arrays.toString(e.getValue()).replace("-1", "hidden"));
                }
                NDArray a = f.loadFinite(e.getKey(), m, DataType.FLOAT32);
                if (dtype != DataType.FLOAT32) {
                    NDArray wide = a.toType(dtype, false);
                    a.close();
                    a = wide;
                }
                out.put(e.getKey(), Params.leaf(a));
            }
            return out;
        }
    }

    private static boolean fits(long[] got, long[] want) {
        if (got.length != want.length) {
            return false;
        }
        for (int i = 0; i < got.length; i++) {
            if (want[i] >= 0 && got[i] != want[i] || got[i] <= 0) {
                return false;
            }
        }
        return true;
    }
}
