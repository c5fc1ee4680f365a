package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code repo merge-adapter} of an adapter holding NaN fails in one line and writes nothing. */
class NonFiniteMergeTest {
    @TempDir Path tmp;

    @Test
    void aNaNAdapterIsNotMerged() throws Exception {
        Path adapter = Files.createDirectory(tmp.resolve("lora"));
        for (String f : new String[] {"adapter_config.json", "adapter_model.safetensors"}) {
            Files.copy(OutputSafetyTest.LORA.resolve(f), adapter.resolve(f));
        }
        Path weights = adapter.resolve("adapter_model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            byte[] len = new byte[8];
            f.readFully(len);
            f.seek(8 + ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong() + 4);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array());
        }
        Path out = tmp.resolve("merged");
        ScoreCommandTest.Result r = ScoreCommandTest.run("merge-adapter", "--model", OutputSafetyTest.TINY.toString(),
                "--adapter", adapter.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains(weights.toString()).contains("has 1 non-finite value (NaN or infinity)");
        assertThat(Files.exists(out)).isFalse();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("lora");
        }
    }
}
