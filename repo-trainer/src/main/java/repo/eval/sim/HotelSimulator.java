package repo.eval.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import repo.eval.checks.Checks;
import repo.rewards.ota.TaskInfo;
import repo.rewards.ota.rules.Texts;

/**
 * A rule-based hotel revenue manager: reads the agent's prices and room types (with the rules' price reading,
 * {@link Texts#prices}), concedes toward reasonable offers by its {@link Persona}, accepts a proposal at or above
 * its hidden floor and never below it, refuses, stalls or stays silent. Silence never agrees to anything.
 * Deterministic for a seed.
 */
public final class HotelSimulator {
    private static final Pattern ACCEPT = Pattern.compile(
            "好的|可以(?!吗|的话)|没问题|就按|那就|成交|接受|同意|(?i:\\b(ok|okay|deal|agreed?|accept|works for us|sounds good|let's do)\\b)");
    private static final Pattern EVIDENCE = Pattern.compile("曝光|转化|预订|同档次|竞品|附近|周边|(?i:exposure|conversion|bookings?|competitor|nearby)");
    private static final Pattern BYE = Pattern.compile("再见|再联系|随时联系|拜拜|(?i:\\bbye\\b|talk (soon|later)|get in touch)");

    private final TaskInfo task;
    private final SimProfile profile;
    private final SplittableRandom rng;
    private final double[] offers;
    private final Double[] agreed;
    private final boolean[] anchored;
    private final boolean[] countered;
    private boolean evidence;
    private boolean confirmed;
    private boolean ended;
    private int turns;
    private int silentOpening;
    private int answered;

    public HotelSimulator(TaskInfo task, SimProfile profile, long seed) {
        if (profile.hiddenFloors().size() != task.tickets().size()) {
            throw new IllegalArgumentException("hotel_sim.hidden_floors has " + profile.hiddenFloors().size()
                    + " values; expected one per ticket (" + task.tickets().size() + ")");
        }
        this.task = task;
        this.profile = profile;
        this.rng = new SplittableRandom(seed);
        int n = task.tickets().size();
        offers = new double[n];
        agreed = new Double[n];
        anchored = new boolean[n];
        countered = new boolean[n];
        for (int i = 0; i < n; i++) {
            offers[i] = task.tickets().get(i).netPrice();
        }
        silentOpening = profile.persona() == Persona.SILENT ? 1 + rng.nextInt(2) : 0;
    }

    /** The hotel's answer to one agent turn; the empty string is silence. */
    public String respond(String agentReply) {
        turns++;
        if (ended) {
            return "";
        }
        if (EVIDENCE.matcher(agentReply).find() || task.competitors().stream().anyMatch(c -> agentReply.contains(c.hotel()))) {
            evidence = true;
        }
        if (silentNow()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        boolean[] proposed = new boolean[offers.length];
        for (double[] pp : proposals(agentReply)) {
            int i = (int) pp[0];
            proposed[i] = true;
            parts.add(answerProposal(i, pp[1]));
        }
        boolean ackd = false;
        if (ACCEPT.matcher(agentReply).find()) {
            boolean anyRoom = task.tickets().stream().anyMatch(t -> mentions(agentReply, t.roomType()));
            for (int i = 0; i < offers.length; i++) {
                boolean meant = !anyRoom || mentions(agentReply, task.tickets().get(i).roomType());
                if (meant && !proposed[i] && agreed[i] == null && countered[i]) {
                    agreed[i] = offers[i];
                    ackd = true;
                }
            }
        }
        if (ackd) {
            parts.add(line("acked", 0, 0, 0));
        }
        if (!parts.isEmpty()) {
            return String.join("", parts);
        }
        if (allAgreed() && mentionsAgreed(agentReply) && !confirmed) {
            confirmed = true;
            return line("confirm", 0, 0, 0);
        }
        if (BYE.matcher(agentReply).find()) {
            ended = true;
            return line("bye", 0, 0, 0);
        }
        if (turns == 1) {
            return line(profile.persona() == Persona.SILENT ? "busy" : "greet", 0, 0, 0);
        }
        return line(evidence ? "ask_price" : "neutral", 0, 0, 0);
    }

    private boolean silentNow() {
        if (profile.persona() != Persona.SILENT) {
            return false;
        }
        if (silentOpening > 0) {
            silentOpening--;
            return true;
        }
        return ++answered % 4 == 0;
    }

    private String answerProposal(int i, double p) {
        double floor = profile.hiddenFloors().get(i);
        Persona persona = profile.persona();
        boolean ready = (persona != Persona.STUBBORN || evidence) && (persona != Persona.ANCHORING || anchored[i]);
        if (p >= floor - 1e-9 && ready) {
            agreed[i] = p;
            offers[i] = p;
            return line("accept", i, p, p);
        }
        double old = offers[i];
        double next;
        String move;
        if (persona == Persona.ANCHORING && !anchored[i]) {
            anchored[i] = true;
            next = Math.max(floor, Math.round(old * 0.97));
            move = "anchor";
        } else {
            double c = persona.concession() * (persona == Persona.STUBBORN && !evidence ? 0.5 : 1.0);
            next = Math.max(floor, Math.round(old - c * (old - floor)));
            move = next >= old ? "floor" : "counter";
        }
        if (next <= p) {
            next = Math.round((p + old) / 2.0 + 0.5); // p is at or above the floor here, but the persona is not ready
        }
        offers[i] = Math.min(old, next);
        countered[i] = true;
        return line(move, i, p, offers[i]);
    }

    /** (ticket index, price) of every new, lower price the reply asks for. */
    List<double[]> proposals(String reply) {
        List<double[]> out = new ArrayList<>();
        boolean[] seen = new boolean[offers.length];
        for (Texts.Price p : Texts.prices(reply)) {
            double v = p.value();
            if (isEvidence(v)) {
                continue;
            }
            int i = ticketAt(reply, p.begin());
            if (i < 0 || seen[i] || agreed[i] != null || v >= offers[i] - 0.5) {
                continue;
            }
            seen[i] = true;
            out.add(new double[] {i, v});
        }
        return out;
    }

    private boolean isEvidence(double v) {
        return task.competitors().stream().anyMatch(c -> Math.abs(c.price() - v) < 0.5)
                || task.tickets().stream().anyMatch(t -> Math.abs(t.salePrice() - v) < 0.5);
    }

    /** The ticket whose room type is mentioned last before {@code pos}; the only ticket; or -1. */
    private int ticketAt(String reply, int pos) {
        if (offers.length == 1) {
            return 0;
        }
        int best = -1;
        int bestAt = -1;
        String before = reply.substring(0, pos);
        for (int i = 0; i < offers.length; i++) {
            String room = task.tickets().get(i).roomType();
            int at = Math.max(before.lastIndexOf(room), before.lastIndexOf(room.replaceAll("(房间|房|间)$", "")));
            if (at > bestAt) {
                bestAt = at;
                best = i;
            }
        }
        return best;
    }

    private boolean mentionsAgreed(String reply) {
        return Texts.prices(reply).stream().anyMatch(p -> Arrays.stream(agreed).anyMatch(a -> a != null && Math.abs(a - p.value()) < 0.5));
    }

    private String line(String move, int ticket, double p, double o) {
        Map<String, List<String>> lines = "zh".equals(profile.lang()) ? HotelLines.ZH : HotelLines.EN;
        List<String> options = lines.get(move);
        String t = options.get(rng.nextInt(options.size()));
        return t.replace("{room}", task.tickets().get(ticket).roomType()).replace("{p}", money(p)).replace("{o}", money(o))
                .replace("{name}", profile.name() == null ? "" : profile.name());
    }

    private static String money(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    public boolean allAgreed() {
        return Arrays.stream(agreed).allMatch(a -> a != null);
    }

    /** Agreed net price per ticket (null: none yet). */
    public List<Double> agreed() {
        return Arrays.asList(agreed.clone());
    }

    /** The hotel's standing offer per ticket (its current net price until it counters). */
    public double offer(int ticket) {
        return offers[ticket];
    }

    public boolean confirmed() {
        return confirmed;
    }

    public boolean ended() {
        return ended;
    }

    public int turns() {
        return turns;
    }

    /** Whether every ticket is agreed at or below its target price. */
    public boolean success() {
        for (int i = 0; i < agreed.length; i++) {
            if (agreed[i] == null || agreed[i] > task.tickets().get(i).targetPrice() + 1e-9) {
                return false;
            }
        }
        return true;
    }

    static boolean mentions(String reply, String room) {
        return Checks.mentions(reply, room);
    }
}
