package repo.rewards.ota.rules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Assertions;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.ota.ScoredItem;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.TaskInfo.CompetitorOffer;
import repo.rewards.ota.TaskInfo.DemandSignals;
import repo.rewards.ota.TaskInfo.Hotel;
import repo.rewards.ota.TaskInfo.Ticket;
import repo.rewards.ota.Turn;

/** Realistic OTA tasks and a table-test helper shared by the rule tests. */
final class Fixtures {
    private Fixtures() {
    }

    static final Ticket ZH_KING = new Ticket("豪华大床房", "2026-12-01..2026-12-03", 1200, 1000, 880, 850);
    static final Ticket ZH_TWIN = new Ticket("高级双床房", "2026-12-01..2026-12-03", 1000, 850, 760, 720);
    static final Ticket EN_KING = new Ticket("Deluxe King Room", "2026-11-20..2026-11-22", 1500, 1300, 1150, 1100);
    static final Ticket EN_TWIN = new Ticket("Executive Twin Room", "2026-11-20..2026-11-22", 1700, 1450, 1300, 1250);

    static final List<CompetitorOffer> ZH_COMPETITORS = List.of(new CompetitorOffer("全季酒店(春熙路店)", "豪华大床房", 899),
            new CompetitorOffer("亚朵酒店(太古里店)", "高级大床房", 950));
    static final List<CompetitorOffer> EN_COMPETITORS = List.of(new CompetitorOffer("Bund Garden Hotel", "Deluxe King", 1180),
            new CompetitorOffer("Riverside Inn", "Superior King", 1090));

    /** 蓉城悦景酒店, one ticket: 豪华大床房 sale 1200 / net 1000 / target 880 / floor 850. */
    static final TaskInfo ZH = new TaskInfo(new Hotel("蓉城悦景酒店", 4, "成都"), List.of(ZH_KING), ZH_COMPETITORS,
            new DemandSignals(12000.0, 0.021, "近7天预订环比下降12%"), "王经理，谨慎但讲道理", "CNY", null);
    /** Harbour View Hotel, one ticket: Deluxe King Room sale 1500 / net 1300 / target 1150 / floor 1100. */
    static final TaskInfo EN = new TaskInfo(new Hotel("Harbour View Hotel", 5, "Shanghai"), List.of(EN_KING), EN_COMPETITORS,
            new DemandSignals(8000.0, 0.015, "bookings down 8% week on week"), "Ms. Chen, revenue manager", "CNY", null);
    static final TaskInfo ZH_MULTI = new TaskInfo(ZH.hotel(), List.of(ZH_KING, ZH_TWIN), ZH_COMPETITORS, ZH.demand(), null, "CNY", null);
    static final TaskInfo EN_MULTI = new TaskInfo(EN.hotel(), List.of(EN_KING, EN_TWIN), EN_COMPETITORS, EN.demand(), null, "CNY", null);

    static Turn a(String s) {
        return Turn.agent(s);
    }

    static Turn h(String s) {
        return Turn.hotel(s);
    }

    static ScoredItem item(TaskInfo task, String reply, Turn... history) {
        return new ScoredItem(null, task, Arrays.asList(history), reply, null);
    }

    /**
     * One table row: the item, and the exact findings expected, in order: each the evidence text, or
     * {@code "missing:<text>"} for a finding without evidence whose message contains text.
     */
    record Case(String name, ScoredItem item, List<String> expected, Map<String, Object> settings) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, ScoredItem item, String... expected) {
        return new Case(name, item, List.of(expected), Map.of());
    }

    static Case c(String name, Map<String, Object> settings, ScoredItem item, String... expected) {
        return new Case(name, item, List.of(expected), settings);
    }

    /** Builds the rule through its ServiceLoader provider, runs it, and checks the findings exactly. */
    static List<Finding> check(String ruleId, Case c) {
        var provider = RuleSet.discover(Fixtures.class.getClassLoader()).get(ruleId);
        Assertions.assertNotNull(provider, "no provider for " + ruleId);
        RewardFunction rule = provider.create(new HashMap<>(c.settings()));
        List<Finding> found = rule.evaluate(repo.rewards.ota.OtaTask.sample(c.item()));
        List<String> got = new ArrayList<>();
        for (Finding f : found) {
            Assertions.assertEquals(ruleId, f.ruleId());
            Assertions.assertTrue(f.points() < 0, "points must be a deduction: " + f);
            Assertions.assertFalse(f.message().isBlank());
            if (f.evidence() == null) {
                got.add("missing:" + f.message());
            } else {
                String reply = c.item().reply();
                Assertions.assertEquals(reply.substring(f.evidence().begin(), f.evidence().end()), f.evidence().text(),
                        "evidence text must be the reply span");
                got.add(f.evidence().text());
            }
        }
        List<String> want = c.expected();
        boolean ok = got.size() == want.size();
        for (int i = 0; ok && i < want.size(); i++) {
            ok = want.get(i).startsWith("missing:") ? got.get(i).startsWith("missing:") && got.get(i).contains(want.get(i).substring(8))
                    : Objects.equals(want.get(i), got.get(i));
        }
        if (!ok) {
            Assertions.fail(c.name() + ": expected " + want + " but got " + got + "\n  findings: " + found);
        }
        return found;
    }

    static ScoredItem withExtra(ScoredItem item, String key, int value) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.put(key, value);
        return new ScoredItem(item.id(), item.task(), item.history(), item.reply(), extra);
    }
}
