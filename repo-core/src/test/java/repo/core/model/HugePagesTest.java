package repo.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link HugePages} in fresh JVMs (the test JVM's libtorch has long made its first allocation): the variable reaches
 * native code, a large libtorch array is then backed by huge pages when the kernel grants them to regions that ask
 * ({@code /sys/kernel/mm/transparent_hugepage/enabled} is {@code always} or {@code madvise}), and a user's own setting
 * or {@code -Drepo.huge_pages=false} is left alone.
 */
class HugePagesTest {

    /** Child: enable, allocate 64 MiB through libtorch and touch it, print the variable and the huge-page KiB. */
    public static void main(String[] args) throws IOException {
        HugePages.enable();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray a = m.ones(new ai.djl.ndarray.types.Shape(16L << 20)); // 64 MiB of fp32
            float sum = a.sum().getFloat();
            long hugeKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    hugeKb = Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
            System.out.println("VAR=" + HugePages.nativeValue() + " HUGE_KB=" + hugeKb + " SUM=" + sum);
        }
        System.exit(0);
    }

    static String child(String variable, String... jvmFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HugePagesTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(HugePages.VARIABLE);
        if (variable != null) {
            pb.environment().put(HugePages.VARIABLE, variable);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("VAR=")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    static boolean kernelGrantsMadvisedHugePages() throws IOException {
        Path f = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        return Files.isReadable(f) && !Files.readString(f).contains("[never]");
    }

    @Test
    void libtorchSeesTheVariableAndItsLargeArraysGetHugePages() throws Exception {
        String line = child(null);
        assertThat(line).startsWith("VAR=1 ").endsWith("SUM=1.6777216E7");
        long hugeKb = Long.parseLong(line.replaceAll(".*HUGE_KB=(\\d+).*", "$1"));
        if (kernelGrantsMadvisedHugePages()) {
            assertThat(hugeKb).as("huge-page KiB after touching a 64 MiB array").isGreaterThanOrEqualTo(32L << 10);
        }
    }

    @Test
    void aUsersSettingAndTheOptOutAreLeftAlone() throws Exception {
        assertThat(child("0")).startsWith("VAR=0 ");
        assertThat(child(null, "-Drepo.huge_pages=false")).startsWith("VAR=null ");
    }
}
