package repo.eval.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import repo.eval.sim.HotelSimulator;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.Turn;

/**
 * The scripted reference BD agent that produces the gold dialogues: it follows the seven SOP stages against a
 * {@link HotelSimulator}, proposes each ticket's target price (never saying "target"), handles objections with
 * empathy first, accepts any offer at or below target at once, never takes silence as consent, confirms every
 * agreed room type and closes. Every reply it writes passes every guard check of its context (a tested property).
 */
public final class GoldAgent {
    /** A played dialogue: turns in order, each agent turn labelled with its SOP stage. */
    public record Dialogue(TaskFactory.Drawn drawn, List<Turn> turns, List<Double> agreed, boolean success) {
    }

    private static final String[] ME_ZH = {"小李", "小王", "小陈", "小刘", "小周"};
    private static final String[] ME_EN = {"Alex", "Lily", "Kevin", "Grace", "Tom"};
    private static final int MAX_ROUNDS = 3;

    private GoldAgent() {
    }

    /** Plays one dialogue; {@code typo} is the chance of a slip in each hotel turn. */
    public static Dialogue play(TaskFactory.Drawn d, long seed, double typo) {
        SplittableRandom rng = new SplittableRandom(seed);
        HotelSimulator sim = new HotelSimulator(d.task(), d.sim(), seed ^ 0x5DEECE66DL);
        State s = new State(d, rng, sim, typo);
        s.say(1, s.line("greet", Map.of()));
        int silences = 0;
        while (s.lastHotel().isEmpty()) {
            if (++silences > 2) {
                s.sayNoReply(7, s.line("giveup", Map.of()));
                return s.done();
            }
            s.say(1, s.fresh(() -> s.line("nudge", Map.of())));
        }
        s.say(2, s.line("purpose", Map.of("{rooms}", s.rooms(), "{dates}", s.speechDates())));
        s.say(3, s.evidence());
        s.say(4, s.line("propose", Map.of("{list}", s.proposals())));
        for (int round = 0; round < MAX_ROUNDS && !sim.allAgreed(); round++) {
            int open = s.firstOpen();
            double offer = sim.offer(open);
            TaskInfo.Ticket t = d.task().tickets().get(open);
            if (s.lastHotel().isEmpty()) {
                s.say(5, s.fresh(() -> s.line("nudge", Map.of())));
            } else if (offer <= t.targetPrice() + 1e-9 && offer < t.netPrice()) {
                s.say(5, s.line("accept", Map.of("{room}", t.roomType(), "{o}", money(offer))));
            } else {
                String comp = d.task().competitors().isEmpty() ? "" : d.task().competitors().get(round % d.task().competitors().size()).hotel();
                double cprice = d.task().competitors().isEmpty() ? t.netPrice() : d.task().competitors().get(round % d.task().competitors().size()).price();
                Map<String, String> vars = Map.of("{room}", t.roomType(), "{p}", money(t.targetPrice()),
                        "{comp}", comp, "{cprice}", money(cprice), "{dates}", s.speechDates());
                s.say(5, s.fresh(() -> s.line("empathy", Map.of()) + s.line("retry", vars)));
            }
        }
        if (sim.agreed().stream().anyMatch(a -> a != null)) {
            s.say(6, s.line("confirm", Map.of("{list}", s.confirmations())));
            s.sayNoReply(7, s.line("close", Map.of()));
        } else {
            s.sayNoReply(7, s.line("close_nodeal", Map.of("{rooms}", s.rooms())));
        }
        return s.done();
    }

    static String money(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static final class State {
        final TaskFactory.Drawn d;
        final SplittableRandom rng;
        final HotelSimulator sim;
        final double typo;
        final boolean zh;
        final String me;
        final List<Turn> turns = new ArrayList<>();
        final List<String> said = new ArrayList<>();

        State(TaskFactory.Drawn d, SplittableRandom rng, HotelSimulator sim, double typo) {
            this.d = d;
            this.rng = rng;
            this.sim = sim;
            this.typo = typo;
            this.zh = "zh".equals(d.lang());
            this.me = zh ? ME_ZH[rng.nextInt(ME_ZH.length)] : ME_EN[rng.nextInt(ME_EN.length)];
        }

        void say(int stage, String text) {
            turns.add(new Turn(Turn.Role.AGENT, text, stage));
            said.add(text);
            String reply = sim.respond(text);
            turns.add(Turn.hotel(Typos.apply(reply, d.lang(), typo, rng)));
        }

        void sayNoReply(int stage, String text) {
            turns.add(new Turn(Turn.Role.AGENT, text, stage));
        }

        String lastHotel() {
            return turns.isEmpty() ? "" : turns.get(turns.size() - 1).content();
        }

        int firstOpen() {
            List<Double> a = sim.agreed();
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) == null) {
                    return i;
                }
            }
            return 0;
        }

        /** A wording not too close to the last two agent turns (the reference never repeats itself). */
        String fresh(java.util.function.Supplier<String> make) {
            String text = make.get();
            for (int attempt = 0; attempt < 24 && tooClose(text); attempt++) {
                text = make.get();
            }
            return text;
        }

        private boolean tooClose(String text) {
            for (int i = said.size() - 1; i >= Math.max(0, said.size() - 2); i--) {
                if (repo.eval.checks.Checks.similarity(text, said.get(i)) > 0.5) {
                    return true;
                }
            }
            return false;
        }

        String line(String move, Map<String, String> vars) {
            List<String> options = (zh ? AgentLines.ZH : AgentLines.EN).get(move);
            String t = options.get(rng.nextInt(options.size()));
            t = t.replace("{name}", d.sim().name()).replace("{me}", me);
            for (Map.Entry<String, String> e : vars.entrySet()) {
                t = t.replace(e.getKey(), e.getValue());
            }
            return t;
        }

        String rooms() {
            List<String> names = d.task().tickets().stream().map(TaskInfo.Ticket::roomType).toList();
            return zh ? String.join("和", names) : String.join(" and ", names);
        }

        String speechDates() {
            String[] p = d.task().tickets().get(0).dates().split("\\.\\.");
            LocalDate a = LocalDate.parse(p[0]);
            LocalDate b = LocalDate.parse(p[1]);
            if (zh) {
                return a.getMonthValue() + "月" + a.getDayOfMonth() + "日到" + b.getMonthValue() + "月" + b.getDayOfMonth() + "日";
            }
            String[] m = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            return m[a.getMonthValue() - 1] + " " + a.getDayOfMonth() + " to " + m[b.getMonthValue() - 1] + " " + b.getDayOfMonth();
        }

        String evidence() {
            TaskInfo.Ticket t = d.task().tickets().get(0);
            TaskInfo.CompetitorOffer c = d.task().competitors().get(0);
            var dem = d.task().demand();
            return line("evidence", Map.of("{comp}", c.hotel(), "{cprice}", money(c.price()), "{room}", t.roomType(),
                    "{sale}", money(t.salePrice()), "{exposure}", money(dem.exposure()),
                    "{conv}", String.format(Locale.ROOT, "%.1f", dem.conversion() * 100), "{trend}", dem.bookingTrend()));
        }

        String proposals() {
            List<String> items = new ArrayList<>();
            for (TaskInfo.Ticket t : d.task().tickets()) {
                items.add(line("propose_item", Map.of("{room}", t.roomType(), "{p}", money(t.targetPrice()))));
            }
            return zh ? String.join("，", items) : String.join(", and ", items);
        }

        String confirmations() {
            List<String> items = new ArrayList<>();
            List<Double> agreed = sim.agreed();
            for (int i = 0; i < agreed.size(); i++) {
                TaskInfo.Ticket t = d.task().tickets().get(i);
                items.add(agreed.get(i) == null ? line("open_item", Map.of("{room}", t.roomType()))
                        : line("confirm_item", Map.of("{room}", t.roomType(), "{dates}", speechDates(), "{p}", money(agreed.get(i)))));
            }
            return zh ? String.join("；", items) : String.join("; ", items);
        }

        Dialogue done() {
            return new Dialogue(d, List.copyOf(turns), sim.agreed(), sim.success());
        }
    }
}
