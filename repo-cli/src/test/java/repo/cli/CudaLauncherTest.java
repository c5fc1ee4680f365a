package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of the CUDA path on a machine without a GPU: the preflight of {@code scripts/repo-cuda} (each
 * refusal and a dry run), {@code scripts/check-cuda-jar}, and the error of {@code --device gpu:0} on the CPU build.
 */
class CudaLauncherTest {
    static final Path ROOT = Path.of(System.getProperty("repo.fixtures")).getParent(); // the repository root
    @TempDir Path tmp;

    record Run(int code, String out, String err) {
    }

    Run script(String name, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(List.of("bash", ROOT.resolve("scripts").resolve(name).toString())));
        pb.command().addAll(List.of(args));
        pb.environment().keySet().removeIf(k -> k.startsWith("PYTORCH_") || k.startsWith("REPO_"));
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt"), err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A folder laid out like {@code site-packages/torch}: lib/ with the named (empty) files, and version.py. */
    Path fakeTorch(String version, String... libs) throws IOException {
        Path lib = Files.createDirectories(tmp.resolve("torch-" + version).resolve("lib"));
        for (String f : libs) {
            Files.writeString(lib.resolve(f), "");
        }
        Files.writeString(lib.getParent().resolve("version.py"), "__version__ = '" + version + "'\ngit_version = 'x'\n");
        return lib;
    }

    Map<String, String> env(Path lib) throws IOException {
        Path jar = Files.exists(tmp.resolve("repo-cuda.jar")) ? tmp.resolve("repo-cuda.jar") : Files.writeString(tmp.resolve("repo-cuda.jar"), "");
        return lib == null ? Map.of("REPO_CUDA_JAR", jar.toString())
                : Map.of("REPO_CUDA_JAR", jar.toString(), "PYTORCH_LIBRARY_PATH", lib.toString(), "REPO_CUDA_SYMBOL_CHECK", "0");
    }

    static final String[] CUDA_LIBS = {"libtorch.so", "libtorch_cpu.so", "libc10.so", "libtorch_cuda.so", "libc10_cuda.so"};

    @Test
    void preflightRefusals() throws Exception {
        Run noJar = script("repo-cuda", Map.of("REPO_CUDA_JAR", tmp.resolve("absent.jar").toString()));
        assertThat(noJar.code()).isEqualTo(2);
        assertThat(noJar.err()).contains("absent.jar").contains("mvn -Pcuda -DskipTests package");

        Run unset = script("repo-cuda", env(null), "bench");
        assertThat(unset.code()).isEqualTo(2);
        assertThat(unset.err()).contains("PYTORCH_LIBRARY_PATH is not set").contains("CUDA build of libtorch 2.7.1");

        Run notLibtorch = script("repo-cuda", env(Files.createDirectories(tmp.resolve("empty"))));
        assertThat(notLibtorch.err()).contains("holds no libtorch.so");

        Run cpuOnly = script("repo-cuda", env(fakeTorch("2.7.1+cpu", "libtorch.so", "libtorch_cpu.so", "libc10.so")));
        assertThat(cpuOnly.code()).isEqualTo(2);
        assertThat(cpuOnly.err()).contains("holds no libtorch_cuda.so: this libtorch is a CPU-only build");

        Run old = script("repo-cuda", env(fakeTorch("2.5.1+cu124", CUDA_LIBS)));
        assertThat(old.code()).isEqualTo(2);
        assertThat(old.err()).contains("is 2.5.1+cu124, but DJL 0.36.0's JNI is built for 2.7.1").contains("symbol lookup error");

        Path unknown = fakeTorch("2.7.1+cu126", CUDA_LIBS);
        Files.delete(unknown.getParent().resolve("version.py"));
        assertThat(script("repo-cuda", env(unknown)).err()).contains("cannot tell the version");

        Map<String, String> cu126 = new java.util.HashMap<>(env(fakeTorch("2.7.1+cu126", CUDA_LIBS)));
        cu126.put("PYTORCH_FLAVOR", "cu126");
        assertThat(script("repo-cuda", cu126).err()).contains("carries a JNI for cpu and cu128 only");
    }

    @Test
    void dryRunSetsDjlsVariables() throws Exception {
        Path lib = fakeTorch("2.7.1+cu126", CUDA_LIBS);
        Map<String, String> env = new java.util.HashMap<>(env(lib));
        env.put("REPO_CUDA_DRY_RUN", "1");
        env.put("REPO_JAVA_OPTS", "-Xmx8g");
        Run r = script("repo-cuda", env, "bench", "--device", "gpu:0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("libtorch 2.7.1+cu126 in " + lib.toRealPath())
                .contains("PYTORCH_LIBRARY_PATH=" + lib.toRealPath() + " PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128")
                .contains("java -Xmx8g -Dai.djl.offline=true -jar " + tmp.resolve("repo-cuda.jar") + " bench --device gpu:0");
    }

    /**
     * The symbol check, with the real cu128 JNI (from the pytorch-jni jar on the class path) against the real CPU
     * libtorch this JVM loaded, dressed up as a CUDA build: the JNI's c10::cuda symbols are missing, so it refuses.
     */
    @Test
    void symbolCheckCatchesALibtorchTheJniWasNotBuiltFor() throws Exception {
        Engine.getInstance();
        Path cpu = Path.of(LibUtils.getLibtorchPath());
        Path lib = fakeTorch("2.7.1+cu128", "libtorch_cuda.so", "libc10_cuda.so");
        for (String f : new String[] {"libtorch.so", "libtorch_cpu.so", "libc10.so"}) {
            Files.createSymbolicLink(lib.resolve(f), cpu.resolve(f));
        }
        Path jni = Path.of(LibUtils.class.getProtectionDomain().getCodeSource().getLocation().toURI()); // pytorch-engine
        Path jniJar = Files.list(jni.getParent().getParent().getParent().resolve("pytorch-jni"))
                .flatMap(d -> { try { return Files.list(d); } catch (IOException e) { throw new RuntimeException(e); } })
                .filter(f -> f.getFileName().toString().endsWith("-0.36.0.jar")).findFirst().orElseThrow();
        Run r = script("repo-cuda", Map.of("REPO_CUDA_JAR", jniJar.toString(), "PYTORCH_LIBRARY_PATH", lib.toString()));
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.err()).contains("symbol(s) the libtorch in").contains("c10::cuda");
    }

    @Test
    void checkCudaJarRefusesCpuNatives() throws Exception {
        List<String> good = List.of("jnilib/pytorch.properties", "jnilib/linux-x86_64/cu128/libdjl_torch.so",
                "ai/djl/pytorch/engine/PtEngine.class", "repo/cli/Main.class");
        Run ok = script("check-cuda-jar", Map.of(), zip("good.jar", good).toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        List<String> withCpu = new java.util.ArrayList<>(good);
        withCpu.addAll(List.of("native/lib/pytorch.properties", "pytorch/cpu/linux-x86_64/libtorch_cpu.so"));
        Run bad = script("check-cuda-jar", Map.of(), zip("cpu.jar", withCpu).toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("carries CPU libtorch files").contains("pytorch/cpu/linux-x86_64/libtorch_cpu.so");
        Run noJni = script("check-cuda-jar", Map.of(), zip("nojni.jar", good.subList(2, 4)).toString());
        assertThat(noJni.err()).contains("lacks jnilib/pytorch.properties");
    }

    /** On the CPU build, a GPU device fails before any array is made, saying what to run instead. */
    @Test
    void gpuDeviceOnTheCpuBuildPointsToTheLauncher() {
        CliTest.Result r = CliTest.run("bench", "--preset", "tiny", "--device", "gpu:0", "--reps", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("device gpu:0 needs a CUDA build of libtorch").contains("scripts/repo-cuda")
                .contains("mvn -Pcuda package").doesNotContain("aten::empty");
    }

    /** repo-cuda.jar started without the launcher: the engine's download-attempt message gets the hint. */
    @Test
    void jarWithoutLibtorchNamesTheLauncher() {
        Exception engine = new ai.djl.engine.EngineException("Failed to save pytorch index file");
        assertThat(Main.withLibtorchHint(engine, engine.getMessage(), false, false)).contains("scripts/repo-cuda")
                .contains("PYTORCH_LIBRARY_PATH").endsWith("Failed to save pytorch index file");
        assertThat(Main.withLibtorchHint(engine, "m", true, false)).isEqualTo("m");   // repo.jar: its own libtorch
        assertThat(Main.withLibtorchHint(engine, "m", false, true)).isEqualTo("m");   // the launcher set the path
        assertThat(Main.withLibtorchHint(new IllegalStateException("m"), "m", false, false)).isEqualTo("m");
    }

    private Path zip(String name, List<String> entries) throws IOException {
        Path z = tmp.resolve(name);
        try (OutputStream os = Files.newOutputStream(z); ZipOutputStream zo = new ZipOutputStream(os)) {
            for (String e : entries) {
                zo.putNextEntry(new ZipEntry(e));
                zo.write("x".getBytes(StandardCharsets.UTF_8));
                zo.closeEntry();
            }
        }
        return z;
    }
}
