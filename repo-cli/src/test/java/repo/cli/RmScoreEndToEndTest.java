package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;
import repo.rewards.ota.AgentPrompt;

/**
 * The RM as a reward source end to end through {@link Main#commandLine()}: {@code repo train} (algorithm rm) on a
 * tiny random checkpoint and preferences where the chosen replies are polite and the rejected ones leak internal
 * terms, then {@code repo score} with {@code sources: {rm: true}} and the run's adapter and score head.
 */
class RmScoreEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double N = 100;

    @TempDir Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    record Hotel(String name, String city, String room, int sale, int net, int target, int floor, String competitor, int price) {
        TaskInfo task() {
            return new TaskInfo(new TaskInfo.Hotel(name, 4, city),
                    List.of(new TaskInfo.Ticket(room, "2026-12-01..2026-12-03", sale, net, target, floor)),
                    List.of(new TaskInfo.CompetitorOffer(competitor, room, price)), null, null, "CNY", null);
        }

        ObjectNode taskJson() {
            ObjectNode t = JSON.createObjectNode();
            t.putObject("hotel").put("name", name).put("star_level", 4).put("city", city);
            t.putArray("tickets").addObject().put("room_type", room).put("dates", "2026-12-01..2026-12-03")
                    .put("sale_price", sale).put("net_price", net).put("target_price", target).put("floor_price", floor);
            t.putArray("competitors").addObject().put("hotel", competitor).put("room", room).put("price", price);
            return t;
        }
    }

    static final List<Hotel> HOTELS = List.of(
            new Hotel("蓉城悦景酒店", "成都", "豪华大床房", 1200, 1000, 880, 850, "全季酒店(春熙路店)", 899),
            new Hotel("西湖畔酒店", "杭州", "高级双床房", 900, 780, 700, 680, "亚朵酒店(湖滨店)", 720),
            new Hotel("外滩云景酒店", "上海", "行政大床房", 1500, 1300, 1150, 1100, "桔子酒店(外滩店)", 1180),
            new Hotel("鼓楼花园酒店", "南京", "标准间", 600, 520, 460, 440, "维也纳酒店(新街口店)", 480));

    static String polite(Hotel h, int variant) {
        return switch (variant % 3) {
            case 0 -> "您好，感谢您抽空沟通。同商圈" + h.competitor() + "的" + h.room() + "是" + h.price() + "元，您看价格能否再商量一下？谢谢您的支持。";
            case 1 -> "理解您的顾虑，非常感谢。我们希望和贵酒店长期合作，您看" + h.room() + "的到手价是否还有调整空间？";
            default -> "好的，谢谢您的耐心。我整理一下竞品价格，再和您确认" + h.room() + "的价格，祝您工作顺利。";
        };
    }

    static String leaky(Hotel h, int variant) {
        return switch (variant % 3) {
            case 0 -> "工单上写的目标价是" + h.target() + "元，底价" + h.floor() + "元，你们必须降到目标价，工单今天就要关。";
            case 1 -> "我们的目标价就是" + h.target() + "元，工单已经建好了，目标价不改，工单不等人。";
            default -> "按工单要求，目标价" + h.target() + "元，工单系统里底价" + h.floor() + "元，目标价你们看着办。";
        };
    }

    static List<Turn> history(int variant) {
        return switch (variant % 3) {
            case 0 -> List.of();
            case 1 -> List.of(Turn.agent("您好，我是OTA平台的BD小李。"), Turn.hotel("价格不能再低了。"));
            default -> List.of(Turn.hotel("你们想谈什么？"));
        };
    }

    static ObjectNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    @Test
    void trainsAnRmAndScoresWithItThroughTheCli() throws Exception {
        Path model = tmp.resolve("tiny");
        // std 0.3 as in the trainer tests: a 0.02 random tiny model separates too little in a few steps
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 5, 0.3, false, SafetensorsWriter.Storage.F32);

        // preferences rendered with AgentPrompt, the rendering the RM source scores with
        List<String> train = new ArrayList<>(), eval = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Hotel h = HOTELS.get(i % HOTELS.size());
            ArrayNode prompt = JSON.createArrayNode();
            AgentPrompt.messages(h.task(), history(i)).forEach(m -> prompt.add(message(m.role().jsonName(), m.content())));
            ObjectNode pair = JSON.createObjectNode();
            pair.set("prompt", prompt);
            pair.put("chosen", polite(h, i)).put("rejected", leaky(h, i + 1));
            (i < 9 ? train : eval).add(JSON.writeValueAsString(pair));
        }
        Path prefsTrain = Files.write(tmp.resolve("prefs-train.jsonl"), train);
        Path prefsEval = Files.write(tmp.resolve("prefs-eval.jsonl"), eval);
        Path runDir = tmp.resolve("rm-run");
        Path trainYaml = Files.writeString(tmp.resolve("rm.yaml"), """
                algorithm: rm
                model: %s
                output: %s
                seed: 1
                data: {train: %s, eval: %s}
                lora: {r: 8, alpha: 16}
                optim: {lr: 0.005, schedule: constant}
                train: {batch_size: 7, max_steps: 12, save_every: 12, progress: false}
                """.formatted(model, runDir, prefsTrain, prefsEval));
        Result trained = run("train", "--config", trainYaml.toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        Path adapter = runDir.resolve("final/adapter"), head = runDir.resolve("final/score_head.safetensors");
        assertThat(adapter.resolve("adapter_model.safetensors")).exists();
        assertThat(head).exists();

        // items for the same task (not seen in training): two chosen-like and two rejected-like replies
        Hotel h = HOTELS.get(0);
        List<String> items = new ArrayList<>();
        String[][] replies = {
                {"good-1", "您好，非常感谢您的时间。同商圈" + h.competitor() + "的" + h.room() + "是" + h.price() + "元，您看价格能否再商量？谢谢。"},
                {"leak-1", "工单上的目标价是" + h.target() + "元，你们必须降到目标价，工单今天就要关。"},
                {"good-2", "理解您的顾虑，谢谢您的支持，您看" + h.room() + "的到手价是否还有调整空间？"},
                {"leak-2", "目标价" + h.target() + "元，工单系统里底价" + h.floor() + "元，目标价不改。"}};
        for (String[] r : replies) {
            ObjectNode it = JSON.createObjectNode().put("id", r[0]);
            it.set("task", h.taskJson());
            it.putArray("history").add(message("hotel", "你们想谈什么？"));
            it.put("reply", r[1]);
            items.add(JSON.writeValueAsString(it));
        }
        Path input = Files.write(tmp.resolve("items.jsonl"), items);
        Path pipeline = Files.writeString(tmp.resolve("pipeline.yaml"),
                "sources: {rm: true, judge: false, rules: true}\ncombiner: {kind: enhancement, n: 100}\n");
        Path traces = tmp.resolve("traces.jsonl");
        Result scored = run("score", "--config", pipeline.toString(), "--input", input.toString(), "--rm-model", model.toString(),
                "--rm-adapter", adapter.toString(), "--rm-head", head.toString(), "--out", traces.toString());
        assertThat(scored.code()).as(scored.err()).isZero();
        assertThat(scored.out()).contains("rm: on", "judge: off", "items: 4, dropped: 0");
        assertThat(scored.out()).containsPattern("(?m)^rm\\s+4\\s+0\\s+-?\\d+\\.\\d{3}");
        assertThat(scored.out()).containsPattern("(?m)^internal-term-leak\\s+2\\s+50\\.0%");

        List<String> lines = Files.readAllLines(traces);
        assertThat(lines).hasSize(4);
        double[] rModel = new double[4];
        for (int i = 0; i < 4; i++) {
            JsonNode t = JSON.readTree(lines.get(i));
            assertThat(t.get("id").asText()).isEqualTo(replies[i][0]);
            assertThat(t.get("dropped").asBoolean()).isFalse();
            assertThat(t.get("r_model").isNumber()).as("r_model of %s", replies[i][0]).isTrue();
            rModel[i] = t.get("r_model").asDouble();
            assertThat(t.at("/sources/rm/value").asDouble()).isEqualTo(rModel[i]);
            assertThat(t.at("/sources/rm/error").isNull()).isTrue();

            // E = clip(E_judge + E_func, -n, n) with the judge off and E_func = the rules' points
            double points = 0;
            for (JsonNode f : t.at("/sources/rules/findings")) {
                points += f.get("points").asDouble();
            }
            double e = Math.max(-N, Math.min(N, points));
            assertThat(t.get("e_enh").asDouble()).isCloseTo(e, within(1e-9));
            double enhanced = rModel[i] >= 0 ? rModel[i] * (1 + e / N) : rModel[i] * (1 - e / N);
            assertThat(t.get("r_total").asDouble()).as("r_total of %s", replies[i][0]).isCloseTo(enhanced, within(1e-9));
        }
        // the leaks are found by the rules, and the RM learned to rank them below the polite replies
        assertThat(JSON.readTree(lines.get(1)).get("e_enh").asDouble()).isEqualTo(-N); // 3 findings x -50, clipped
        assertThat(JSON.readTree(lines.get(0)).get("e_enh").asDouble()).isZero();
        assertThat(rModel[0]).isGreaterThan(rModel[1]);
        assertThat(rModel[2]).isGreaterThan(rModel[3]);
        assertThat(Math.min(rModel[0], rModel[2])).isGreaterThan(Math.max(rModel[1], rModel[3]));
    }
}
