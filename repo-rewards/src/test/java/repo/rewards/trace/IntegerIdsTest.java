package repo.rewards.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.rewards.PipelineConfig;
import repo.rewards.RewardStack;
import repo.rewards.io.ScoredItems;
import repo.rewards.ota.OtaTask;
import repo.rewards.ota.ScoredItem;

/** An integer id in the input ({@code "id": 17}) comes back as the integer 17 in traces and outputs, a string as a string. */
class IntegerIdsTest {
    @TempDir Path tmp;

    static final String TASK = "{\"hotel\":{\"name\":\"蓉城悦景酒店\",\"star_level\":4,\"city\":\"成都\"},\"tickets\":[{\"room_type\":\"豪华大床房\","
            + "\"sale_price\":1200,\"net_price\":1000,\"target_price\":880,\"floor_price\":850}]}";

    static String line(String id) {
        return "{\"id\":" + id + ",\"task\":" + TASK + ",\"history\":[],\"reply\":\"王经理，豪华大床房到手价能否调到880元？\"}";
    }

    @Test
    void idsKeepTheirJsonTypeThroughScoringTracesAndOutputs() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(in, List.of(line("17"), line("\"17\""), line("9007199254740993"), line("-3"), line("\"x-1\"")));
        List<ScoredItem> items = ScoredItems.read(in);
        List<RewardTrace> traces;
        try (RewardStack stack = RewardStack.open(PipelineConfig.defaults().withSources(false, true, true), null, null)) {
            traces = stack.pipeline().score(items.stream().map(OtaTask::sample).toList());
        }
        assertThat(traces).extracting(RewardTrace::integerId).containsExactly(true, false, true, true, false);
        Path out = tmp.resolve("traces.jsonl");
        RewardTrace.writeAll(out, traces);
        List<String> lines = Files.readAllLines(out);
        JsonNode first = ScoredItems.JSON.readTree(lines.get(0));
        assertThat(first.get("id").isIntegralNumber()).isTrue();
        assertThat(first.get("id").asInt()).isEqualTo(17);
        assertThat(lines.get(0)).startsWith("{\"id\":17,");
        assertThat(lines.get(1)).startsWith("{\"id\":\"17\",");
        assertThat(lines.get(2)).startsWith("{\"id\":9007199254740993,"); // beyond double precision, exact
        assertThat(lines.get(3)).startsWith("{\"id\":-3,");
        assertThat(lines.get(4)).startsWith("{\"id\":\"x-1\",");
        // read back and written again: unchanged
        List<RewardTrace> back = RewardTrace.read(out);
        assertThat(back).extracting(RewardTrace::integerId).containsExactly(true, false, true, true, false);
        assertThat(back.stream().map(RewardTrace::toJsonLine).toList()).isEqualTo(lines);
        // the scored items round-trip their ids the same way
        Path items2 = tmp.resolve("items.jsonl");
        ScoredItems.write(items2, items);
        List<String> written = Files.readAllLines(items2);
        assertThat(written.get(0)).startsWith("{\"id\":17,");
        assertThat(written.get(1)).startsWith("{\"id\":\"17\",");
        assertThat(written.get(2)).startsWith("{\"id\":9007199254740993,");
    }

    @Test
    void anIntegerIdMustBeOne() {
        assertThatThrownBy(() -> new RewardTrace("x", 0, List.of(), null, true)).hasMessageContaining("must be one, got x");
        assertThat(RewardTrace.isIntegerId("17", ScoredItems.JSON.getNodeFactory().numberNode(17))).isTrue();
        assertThat(RewardTrace.isIntegerId("17", ScoredItems.JSON.getNodeFactory().textNode("17"))).isFalse();
        assertThat(RewardTrace.isIntegerId("17", null)).isFalse();
    }
}
