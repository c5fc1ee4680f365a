package repo.eval.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import repo.eval.sim.Persona;
import repo.eval.sim.SimProfile;
import repo.rewards.ota.TaskInfo;

/**
 * Draws a negotiation task from real hotels: the hotel and its type, one to three room types priced from its real
 * price, competitors of the same type in the same district (their real prices, cheaper first), demand signals, a
 * persona and the hotel's hidden floor. Pricing: sale = real price × room factor; net = 85% of sale; target
 * 88-93% of net; floor = 96% of target; hidden floor 94-104% of target, never below the floor (so some targets are out of reach).
 */
public final class TaskFactory {
    /** A drawn task with the simulator's hidden side. */
    public record Drawn(TaskInfo task, SimProfile sim, String lang) {
    }

    private static final String[][] ROOMS_ZH = {
        {"标准大床房", "标准双床房", "商务大床房"}, {"高级大床房", "高级双床房", "豪华大床房"},
        {"豪华大床房", "行政大床房", "豪华双床房"}, {"豪华大床房", "行政套房", "豪华景观房"}};
    private static final String[][] ROOMS_EN = {
        {"Standard King Room", "Standard Twin Room", "Business King Room"}, {"Superior King Room", "Superior Twin Room", "Deluxe King Room"},
        {"Deluxe King Room", "Executive King Room", "Deluxe Twin Room"}, {"Deluxe King Room", "Executive Suite", "Deluxe View Room"}};
    private static final double[] FACTOR = {1.0, 1.08, 1.2};
    private static final String[] SURNAMES_ZH = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马"};
    private static final String[] SURNAMES_EN = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"};
    private static final String[] TITLES_ZH = {"经理", "总", "店长", "主管"};
    private static final String[] TREND_ZH = {"近7天预订环比下降%d%%", "近两周预订量下滑%d%%", "同商圈预订上涨%d%%，贵店持平"};
    private static final String[] TREND_EN = {"bookings down %d%% week on week", "bookings down %d%% over two weeks", "area bookings up %d%%, yours flat"};

    private final List<HotelDb.Hotel> pool;

    /** @param pool the hotels of one side of the split (tasks and competitors both come from it) */
    public TaskFactory(List<HotelDb.Hotel> pool) {
        if (pool.size() < 3) {
            throw new IllegalArgumentException("need at least 3 hotels to draw tasks, got " + pool.size());
        }
        this.pool = pool;
    }

    public Drawn draw(SplittableRandom rng, String lang) {
        HotelDb.Hotel h = pool.get(rng.nextInt(pool.size()));
        boolean zh = "zh".equals(lang);
        int typeIdx = Math.max(0, h.stars() - 2);
        int nTickets = rng.nextDouble() < 0.6 ? 1 : rng.nextDouble() < 0.75 ? 2 : 3;
        LocalDate start = LocalDate.of(2026, 12, 1).plusDays(rng.nextInt(120));
        int nights = 2 + rng.nextInt(4);
        String dates = start + ".." + start.plusDays(nights - 1);
        List<TaskInfo.Ticket> tickets = new ArrayList<>();
        List<Double> hidden = new ArrayList<>();
        List<Integer> roomIdx = new ArrayList<>(List.of(0, 1, 2));
        for (int k = 0; k < nTickets; k++) {
            int r = roomIdx.remove(rng.nextInt(roomIdx.size()));
            String room = zh ? ROOMS_ZH[typeIdx][r] : ROOMS_EN[typeIdx][r];
            long sale = Math.round(h.price() * FACTOR[r] * (1.05 + 0.1 * rng.nextDouble()));
            long net = Math.round(sale * 0.85);
            long target = Math.round(net * (0.88 + 0.05 * rng.nextDouble()));
            long floor = Math.round(target * 0.96);
            tickets.add(new TaskInfo.Ticket(room, dates, sale, net, target, floor));
            hidden.add((double) Math.max(floor, Math.round(target * (0.94 + 0.10 * rng.nextDouble()))));
        }
        List<TaskInfo.CompetitorOffer> comps = competitors(h, tickets.get(0), rng, zh);
        double exposure = 3000 + 500 * rng.nextInt(50);
        double conversion = Math.round((0.008 + 0.03 * rng.nextDouble()) * 1000) / 1000.0;
        int pct = 5 + rng.nextInt(20);
        String trend = String.format(zh ? TREND_ZH[rng.nextInt(3)] : TREND_EN[rng.nextInt(3)], pct);
        Persona persona = Persona.values()[rng.nextInt(Persona.values().length)];
        String name = zh ? SURNAMES_ZH[rng.nextInt(SURNAMES_ZH.length)] + TITLES_ZH[rng.nextInt(TITLES_ZH.length)]
                : (rng.nextBoolean() ? "Mr. " : "Ms. ") + SURNAMES_EN[rng.nextInt(SURNAMES_EN.length)];
        String personaText = zh ? name + "，收益经理" : name + ", revenue manager";
        TaskInfo task = new TaskInfo(new TaskInfo.Hotel(h.name(), h.stars(), zh ? "北京" : "Beijing"), tickets, comps,
                new TaskInfo.DemandSignals(exposure, conversion, trend), personaText, "CNY", null);
        return new Drawn(task, new SimProfile(persona, hidden, lang, name), lang);
    }

    /** Two or three same-type hotels priced near 90% of this one, the same district preferred. */
    private List<TaskInfo.CompetitorOffer> competitors(HotelDb.Hotel h, TaskInfo.Ticket t, SplittableRandom rng, boolean zh) {
        List<HotelDb.Hotel> same = new ArrayList<>(pool.stream()
                .filter(o -> !o.name().equals(h.name()) && o.type().equals(h.type())).toList());
        double aim = 0.9 * h.price();
        same.sort(Comparator.comparingDouble((HotelDb.Hotel o) -> Math.abs(o.price() - aim) / aim
                + (o.district().equals(h.district()) ? 0 : 0.15)).thenComparing(HotelDb.Hotel::name));
        int n = Math.min(same.size(), 2 + rng.nextInt(2));
        List<HotelDb.Hotel> chosen = new ArrayList<>(same.subList(0, Math.min(same.size(), n + 3)));
        List<TaskInfo.CompetitorOffer> out = new ArrayList<>();
        while (out.size() < n && !chosen.isEmpty()) {
            HotelDb.Hotel c = chosen.remove(rng.nextInt(chosen.size()));
            out.add(new TaskInfo.CompetitorOffer(c.name(), t.roomType(), Math.round(c.price() * 1.05)));
        }
        return out;
    }
}
