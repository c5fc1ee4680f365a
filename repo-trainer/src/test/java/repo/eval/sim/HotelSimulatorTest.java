package repo.eval.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

class HotelSimulatorTest {
    // net 1000, target 880, floor 850; the hotel's hidden floor is 900 (above target: the target is out of reach)
    static final TaskInfo ONE = new TaskInfo(new TaskInfo.Hotel("蓉城悦景酒店", 4, "成都"),
            List.of(new TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 1200, 1000, 880, 850)),
            List.of(new TaskInfo.CompetitorOffer("全季酒店(春熙路店)", "豪华大床房", 899)), null, "王经理", "CNY", null);
    static final TaskInfo TWO = new TaskInfo(new TaskInfo.Hotel("蓉城悦景酒店", 4, "成都"),
            List.of(new TaskInfo.Ticket("豪华大床房", "2026-12-01..2026-12-03", 1200, 1000, 880, 850),
                    new TaskInfo.Ticket("标准双床房", "2026-12-01..2026-12-03", 800, 680, 600, 580)),
            List.of(), null, "王经理", "CNY", null);

    static SimProfile profile(Persona p, double... floors) {
        return new SimProfile(p, java.util.Arrays.stream(floors).boxed().toList(), "zh", "王经理");
    }

    @Test
    void flexibleAcceptsAtOrAboveItsFloorAndNeverBelow() {
        HotelSimulator below = new HotelSimulator(ONE, profile(Persona.FLEXIBLE, 900), 1);
        String counter = below.respond("您看豪华大床房到手价能否调到880元？");
        assertThat(below.agreed()).containsExactly((Double) null);
        assertThat(below.offer(0)).isBetween(900.0, 999.0);
        assertThat(counter).contains(String.valueOf((long) below.offer(0)));
        HotelSimulator at = new HotelSimulator(ONE, profile(Persona.FLEXIBLE, 900), 1);
        at.respond("您看豪华大床房到手价能否调到900元？");
        assertThat(at.agreed()).containsExactly(900.0);
        assertThat(at.success()).isFalse(); // agreed above the target of 880
    }

    @Test
    void noPersonaEverAgreesBelowItsFloorWhateverTheAgentSays() {
        String[] script = {"您好", "附近的全季酒店(春熙路店)才899元，曝光很高", "到手价能否调到700元？", "调到800元呢？", "好的，就按这个价格",
            "既然您没有异议，我就默认您同意850元了", "那就860元吧", "OK deal", "谢谢，再见"};
        for (Persona p : Persona.values()) {
            for (long seed = 0; seed < 20; seed++) {
                HotelSimulator sim = new HotelSimulator(ONE, profile(p, 900), seed);
                for (String s : script) {
                    sim.respond(s);
                    Double a = sim.agreed().get(0);
                    assertThat(a == null || a >= 900).as(p + " seed " + seed + " agreed " + a).isTrue();
                    assertThat(sim.offer(0)).isGreaterThanOrEqualTo(900);
                }
            }
        }
    }

    @Test
    void concessionsMoveTowardTheFloorAndStubbornNeedsEvidence() {
        HotelSimulator flex = new HotelSimulator(ONE, profile(Persona.FLEXIBLE, 900), 3);
        HotelSimulator stub = new HotelSimulator(ONE, profile(Persona.STUBBORN, 900), 3);
        flex.respond("豪华大床房到手价能否调到850元？");
        stub.respond("豪华大床房到手价能否调到850元？");
        assertThat(flex.offer(0)).isEqualTo(940.0); // 60% of the gap 1000 -> 900
        assertThat(stub.offer(0)).isEqualTo(988.0); // half of 25% without evidence: round(1000 - 12.5)
        // at its floor but without evidence, the stubborn manager still refuses
        HotelSimulator s2 = new HotelSimulator(ONE, profile(Persona.STUBBORN, 900), 3);
        s2.respond("豪华大床房到手价调到950元可以吗？");
        assertThat(s2.agreed()).containsExactly((Double) null);
        s2.respond("附近全季酒店(春熙路店)的同类房才899元，豪华大床房调到940元吧？");
        assertThat(s2.agreed()).containsExactly(940.0);
    }

    @Test
    void anchoringAnswersTheFirstProposalWithAHighAnchor() {
        HotelSimulator a = new HotelSimulator(ONE, profile(Persona.ANCHORING, 900), 5);
        a.respond("豪华大床房到手价调到950元？");
        assertThat(a.agreed()).containsExactly((Double) null);
        assertThat(a.offer(0)).isEqualTo(970.0);
        a.respond("豪华大床房到手价950元，您看呢？");
        assertThat(a.agreed()).containsExactly(950.0);
    }

    @Test
    void silentPersonaStaysSilentAtFirstAndItsSilenceAgreesToNothing() {
        for (long seed = 0; seed < 10; seed++) {
            HotelSimulator s = new HotelSimulator(ONE, profile(Persona.SILENT, 900), seed);
            assertThat(s.respond("王经理您好，我是OTA平台的小李。")).isEmpty();
            s.respond("豪华大床房到手价能否调到950元？");
            int silent = 0;
            for (int i = 0; i < 6; i++) {
                if (s.respond("您看可以吗？").isEmpty()) {
                    silent++;
                }
            }
            assertThat(silent).isGreaterThanOrEqualTo(1);
        }
        HotelSimulator quiet = new HotelSimulator(ONE, profile(Persona.SILENT, 900), 0);
        quiet.respond("豪华大床房到手价能否调到950元？"); // the first turn is always silent: no agreement
        assertThat(quiet.agreed()).containsExactly((Double) null);
    }

    @Test
    void agentAcceptingACounterOfferAgreesAtThatOfferOnlyForTheRoomItNames() {
        HotelSimulator s = new HotelSimulator(TWO, profile(Persona.FLEXIBLE, 900, 610), 2);
        s.respond("豪华大床房到手价调到850元，标准双床房到手价调到560元，您看行吗？");
        double o0 = s.offer(0);
        double o1 = s.offer(1);
        assertThat(o0).isGreaterThan(900);
        assertThat(o1).isGreaterThan(610);
        s.respond("好的，豪华大床房就按" + (long) o0 + "元。");
        assertThat(s.agreed()).containsExactly(o0, null);
        String reply = s.respond("标准双床房到手价调到620元呢？");
        assertThat(s.agreed()).containsExactly(o0, 620.0);
        assertThat(reply).contains("620");
        assertThat(s.respond("确认一下：豪华大床房到手价" + (long) o0 + "元；标准双床房到手价620元，麻烦您在后台更新一下。")).isNotEmpty();
        assertThat(s.confirmed()).isTrue();
    }

    @Test
    void englishTurnsAreReadToo() {
        SimProfile en = new SimProfile(Persona.FLEXIBLE, List.of(900.0), "en", "Ms. Wang");
        HotelSimulator s = new HotelSimulator(ONE, en, 1);
        String r = s.respond("Could you bring the net rate of the 豪华大床房 down to 920 yuan?");
        assertThat(s.agreed()).containsExactly(920.0);
        assertThat(r).contains("920");
    }

    @Test
    void rolloutReportsSuccessOnlyAtOrBelowTargetAndWithoutBreach() {
        // hidden floor 870 <= target 880: an agent that asks for 880 with evidence succeeds with a flexible hotel
        SimProfile p = profile(Persona.FLEXIBLE, 870);
        SimRollout.Outcome ok = SimRollout.play(ONE, p, h -> h.isEmpty() ? "王经理您好，我是OTA平台的小李。"
                : h.size() == 2 ? "您看豪华大床房到手价能否调到880元？" : "确认一下：豪华大床房到手价880元，麻烦您在后台更新一下。", 6, 1);
        assertThat(ok.agreed()).containsExactly(880.0);
        assertThat(ok.success()).isTrue();
        SimRollout.Outcome leak = SimRollout.play(ONE, p, h -> h.isEmpty() ? "王经理您好，我们的目标价是880元。"
                : "您看豪华大床房到手价能否调到880元？", 6, 1);
        assertThat(leak.agreed()).containsExactly(880.0);
        assertThat(leak.highBreach()).isTrue();
        assertThat(leak.breaches()).contains("internal-term-leak");
        assertThat(leak.success()).isFalse();
        SimRollout.Outcome silentAgent = SimRollout.play(ONE, p, h -> "您好", 4, 1);
        assertThat(silentAgent.success()).isFalse();
        assertThat(silentAgent.turns().stream().filter(t -> t.role() == Turn.Role.AGENT)).hasSize(4);
    }
}
