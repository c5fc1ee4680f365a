package repo.eval.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import repo.eval.AtomicFiles;
import repo.eval.checks.CaseChecks;
import repo.eval.sets.EvalCase;
import repo.eval.sets.EvalDialogue;
import repo.rewards.ota.Turn;
import repo.rewards.ota.AgentPrompt;

/**
 * {@code repo data generate}: deterministic task data from real hotels. Training files (SFT dialogues, preference
 * pairs, RL prompts) come from the training hotels, the two evaluation sets from the evaluation hotels
 * ({@link HotelDb.Hotel#evaluation()}). Same seed and settings, same bytes.
 */
public final class DataGenerator {
    /** File names written into the output folder. */
    public static final String SFT = "sft.jsonl", PREFS = "prefs.jsonl", PROMPTS = "prompts.jsonl",
            ONLINE = "eval-online.jsonl", BAD_CASES = "eval-badcase.jsonl", MANIFEST = "manifest.json";

    /**
     * @param seed seeds every draw
     * @param sft SFT dialogues (the paper used 1,991)
     * @param pairs preference pairs (the paper used 6,632)
     * @param prompts RL prompts
     * @param online online-style evaluation dialogues (the paper: 30, about 150 turns)
     * @param badCases bad-case dialogues (the paper: 45, about 225 turns)
     * @param casesPerDialogue evaluated turns per evaluation dialogue
     * @param zhShare share of Chinese dialogues
     * @param typo chance of a slip in a hotel turn
     */
    public record Config(long seed, int sft, int pairs, int prompts, int online, int badCases, int casesPerDialogue,
                         double zhShare, double typo) {
        public Config {
            if (sft < 1 || pairs < 1 || prompts < 1 || online < 1 || badCases < 1 || casesPerDialogue < 1) {
                throw new IllegalArgumentException("every count (sft, pairs, prompts, online, bad cases, cases per dialogue) must be >= 1");
            }
            if (zhShare < 0 || zhShare > 1 || typo < 0 || typo > 1) {
                throw new IllegalArgumentException("zh share and typo rate must be in [0, 1]");
            }
        }

        public static Config defaults(long seed) {
            return new Config(seed, 1991, 6632, 512, 30, 45, 5, 0.7, 0.15);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Config cfg;
    private final TaskFactory train;
    private final TaskFactory eval;

    public DataGenerator(Config cfg, HotelDb db) {
        this.cfg = cfg;
        this.train = new TaskFactory(db.split(false));
        this.eval = new TaskFactory(db.split(true));
    }

    /** Writes every file into {@code out}; returns file name to line count. */
    public Map<String, Integer> write(Path out) throws IOException {
        SplittableRandom root = new SplittableRandom(cfg.seed());
        Map<String, String> files = new LinkedHashMap<>();
        List<GoldAgent.Dialogue> trainDialogues = dialogues(train, cfg.sft(), root.split());
        files.put(SFT, sft(trainDialogues));
        files.put(PREFS, pairs(trainDialogues, root.split()));
        files.put(PROMPTS, prompts(dialogues(train, cfg.prompts(), root.split()), root.split()));
        files.put(ONLINE, evalSet("online", dialogues(eval, cfg.online(), root.split()), root.split()));
        files.put(BAD_CASES, evalSet("bad_case", dialogues(eval, cfg.badCases(), root.split()), root.split()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            AtomicFiles.write(out.resolve(e.getKey()), e.getValue());
            counts.put(e.getKey(), (int) e.getValue().lines().count());
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("generator", "repo data generate").put("seed", cfg.seed()).put("hotels", "data/crosswoz-hotels/hotel_db.json (CrossWOZ, Apache-2.0)");
        ObjectNode c = manifest.putObject("lines");
        counts.forEach(c::put);
        AtomicFiles.write(out.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        return counts;
    }

    private List<GoldAgent.Dialogue> dialogues(TaskFactory factory, int n, SplittableRandom rng) {
        List<GoldAgent.Dialogue> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String lang = rng.nextDouble() < cfg.zhShare() ? "zh" : "en";
            out.add(GoldAgent.play(factory.draw(rng, lang), rng.nextLong(), cfg.typo()));
        }
        return out;
    }

    private String sft(List<GoldAgent.Dialogue> ds) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ds.size(); i++) {
            GoldAgent.Dialogue d = ds.get(i);
            List<Turn> body = trimTrailingHotel(d.turns());
            ObjectNode o = JSON.createObjectNode();
            o.put("id", String.format("sft-%05d", i)).put("lang", d.drawn().lang()).put("persona", d.drawn().sim().persona().jsonName());
            o.set("messages", TaskJson.messages(AgentPrompt.messages(d.drawn().task(), body)));
            sb.append(JSON.writeValueAsString(o)).append('\n');
        }
        return sb.toString();
    }

    private static List<Turn> trimTrailingHotel(List<Turn> turns) {
        int end = turns.size();
        while (end > 0 && turns.get(end - 1).role() == Turn.Role.HOTEL) {
            end--;
        }
        return turns.subList(0, end);
    }

    /** Agent turn indices of a dialogue. */
    static List<Integer> agentTurns(List<Turn> turns) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role() == Turn.Role.AGENT) {
                out.add(i);
            }
        }
        return out;
    }

    private String pairs(List<GoldAgent.Dialogue> ds, SplittableRandom rng) throws IOException {
        StringBuilder sb = new StringBuilder();
        int made = 0;
        int tagCursor = 0;
        for (int attempt = 0; made < cfg.pairs() && attempt < cfg.pairs() * 20; attempt++) {
            GoldAgent.Dialogue d = ds.get(rng.nextInt(ds.size()));
            List<Integer> agent = agentTurns(d.turns());
            int k = agent.get(rng.nextInt(agent.size()));
            Turn good = d.turns().get(k);
            List<Turn> context = d.turns().subList(0, k);
            String tag = CaseChecks.TAGS.get(tagCursor % CaseChecks.TAGS.size());
            String bad = Defects.apply(tag, good.content(), d.drawn().task(), context, good.sopStage(), d.drawn().lang(), rng);
            if (bad == null || bad.equals(good.content())) {
                if (attempt % 7 == 6) {
                    tagCursor++; // a tag that rarely applies does not stall the others
                }
                continue;
            }
            tagCursor++;
            ObjectNode o = JSON.createObjectNode();
            o.put("id", String.format("pref-%05d", made)).put("breaks", tag).put("severity", CaseChecks.severity(tag).jsonName())
                    .put("lang", d.drawn().lang());
            o.set("prompt", TaskJson.messages(AgentPrompt.messages(d.drawn().task(), context)));
            o.put("chosen", good.content()).put("rejected", bad);
            sb.append(JSON.writeValueAsString(o)).append('\n');
            made++;
        }
        return sb.toString();
    }

    private String prompts(List<GoldAgent.Dialogue> ds, SplittableRandom rng) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ds.size(); i++) {
            GoldAgent.Dialogue d = ds.get(i);
            List<Integer> agent = agentTurns(d.turns());
            int k = agent.get(rng.nextInt(Math.min(agent.size(), 6)));
            ObjectNode o = JSON.createObjectNode();
            o.put("id", String.format("rl-%05d", i));
            o.set("task", TaskJson.task(d.drawn().task()));
            o.set("history", TaskJson.turns(d.turns().subList(0, k)));
            o.set("hotel_sim", d.drawn().sim().toJson());
            sb.append(JSON.writeValueAsString(o)).append('\n');
        }
        return sb.toString();
    }

    private String evalSet(String set, List<GoldAgent.Dialogue> ds, SplittableRandom rng) throws IOException {
        StringBuilder sb = new StringBuilder();
        int tagCursor = 0;
        for (int i = 0; i < ds.size(); i++) {
            GoldAgent.Dialogue d = ds.get(i);
            List<Turn> turns = trimTrailingHotel(d.turns());
            List<Integer> agent = agentTurns(turns);
            List<EvalCase> cases = new ArrayList<>();
            String id = String.format("%s-%03d", set.equals("online") ? "online" : "bad", i);
            for (int k : pick(agent, cfg.casesPerDialogue(), rng)) {
                Turn good = turns.get(k);
                List<Turn> context = turns.subList(0, k);
                List<repo.eval.checks.Check> checks = CaseChecks.build(d.drawn().task(), context, good.sopStage(), d.drawn().lang());
                String caseId = id + "-t" + String.format("%02d", k);
                if (set.equals("online")) {
                    cases.add(new EvalCase(caseId, k, good.sopStage(), null, List.of(), checks));
                    continue;
                }
                for (int tries = 0; tries < CaseChecks.TAGS.size(); tries++) {
                    String tag = CaseChecks.TAGS.get((tagCursor + tries) % CaseChecks.TAGS.size());
                    String bad = Defects.apply(tag, good.content(), d.drawn().task(), context, good.sopStage(), d.drawn().lang(), rng);
                    if (bad != null && !bad.equals(good.content())) {
                        tagCursor = (tagCursor + tries + 1) % CaseChecks.TAGS.size();
                        cases.add(new EvalCase(caseId, k, good.sopStage(), bad,
                                List.of(new EvalCase.Defect(tag, CaseChecks.severity(tag))), checks));
                        break;
                    }
                }
            }
            EvalDialogue ed = new EvalDialogue(id, set, d.drawn().lang(), d.drawn().task(), d.drawn().sim(), turns, cases);
            sb.append(JSON.writeValueAsString(ed.toJson())).append('\n');
        }
        return sb.toString();
    }

    /** Up to n agent turns, in order, spread over the dialogue (all of them when there are at most n). */
    private static List<Integer> pick(List<Integer> agent, int n, SplittableRandom rng) {
        List<Integer> pool = new ArrayList<>(agent);
        while (pool.size() > n) {
            pool.remove(rng.nextInt(pool.size()));
        }
        return pool;
    }
}
