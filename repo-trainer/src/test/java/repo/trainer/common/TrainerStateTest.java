package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.data.DataOrder;

class TrainerStateTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughTrainerStateJson() throws IOException {
        var config = new ObjectMapper().readTree("{\"method\": \"dpo\", \"beta\": 0.1, \"lora\": {\"rank\": 8}}");
        TrainerState state = new TrainerState(120, 2, 17, 42L, -5L, config, 3);

        state.write(dir);
        TrainerState read = TrainerState.read(dir);

        assertThat(read).isEqualTo(state);
        assertThat(read.position()).isEqualTo(new DataOrder.Position(2, 17));
        assertThat(Files.readString(dir.resolve(TrainerState.FILE))).contains("\"data_index\" : 17");
    }

    @Test
    void readNamesTheFileAndTheBadField() throws IOException {
        Files.writeString(dir.resolve(TrainerState.FILE), "{\"step\": 1, \"epoch\": \"x\"}");
        assertThatThrownBy(() -> TrainerState.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TrainerState.FILE + ": \"epoch\" is \"x\": expected an integer");
    }
}
