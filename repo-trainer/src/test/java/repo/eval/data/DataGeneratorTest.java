package repo.eval.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.eval.checks.CaseChecks;
import repo.eval.checks.Check;
import repo.eval.checks.Checks;
import repo.eval.sets.EvalCase;
import repo.eval.sets.EvalDialogue;
import repo.rewards.ota.Turn;
import repo.rewards.io.ScoredItems;
import repo.trainer.data.Jsonl;

class DataGeneratorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static HotelDb db;
    @TempDir
    static Path shared;
    static Map<String, Integer> counts;

    @BeforeAll
    static void load() throws Exception {
        db = HotelDb.bundled();
        counts = new DataGenerator(small(9), db).write(shared);
    }

    static DataGenerator.Config small(long seed) {
        return new DataGenerator.Config(seed, 120, 400, 40, 30, 45, 5, 0.7, 0.15);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes(@TempDir Path tmp) throws Exception {
        new DataGenerator(small(7), db).write(tmp.resolve("a"));
        new DataGenerator(small(7), db).write(tmp.resolve("b"));
        new DataGenerator(small(8), db).write(tmp.resolve("c"));
        for (String f : List.of(DataGenerator.SFT, DataGenerator.PREFS, DataGenerator.PROMPTS, DataGenerator.ONLINE,
                DataGenerator.BAD_CASES, DataGenerator.MANIFEST)) {
            assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).as(f).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
        }
        assertThat(Files.readString(tmp.resolve("a").resolve(DataGenerator.SFT))).isNotEqualTo(Files.readString(tmp.resolve("c").resolve(DataGenerator.SFT)));
    }

    @Test
    void hotelSplitIsFixedAndTrainingAndEvaluationHotelsAreDisjoint() throws Exception {
        Path tmp = shared;
        assertThat(db.all()).hasSize(1133 - 121);
        Set<String> evalHotels = new HashSet<>();
        db.split(true).forEach(h -> evalHotels.add(h.name()));
        assertThat(evalHotels).hasSize(227); // CRC32(name) % 5 == 0, counted independently with zlib.crc32
        Set<String> trainSeen = new HashSet<>();
        for (String f : List.of(DataGenerator.PROMPTS)) {
            for (String line : Files.readAllLines(tmp.resolve(f))) {
                JsonNode n = JSON.readTree(line);
                trainSeen.add(n.at("/task/hotel/name").asText());
                n.at("/task/competitors").forEach(c -> trainSeen.add(c.get("hotel").asText()));
            }
        }
        for (String line : Files.readAllLines(tmp.resolve(DataGenerator.SFT))) {
            String system = JSON.readTree(line).at("/messages/0/content").asText();
            String hotel = system.lines().filter(l -> l.startsWith("酒店：")).findFirst().orElseThrow();
            trainSeen.add(hotel.substring(3, hotel.lastIndexOf('（')));
        }
        Set<String> evalSeen = new HashSet<>();
        for (String f : List.of(DataGenerator.ONLINE, DataGenerator.BAD_CASES)) {
            for (EvalDialogue d : EvalDialogue.read(tmp.resolve(f))) {
                evalSeen.add(d.task().hotel().name());
                d.task().competitors().forEach(c -> evalSeen.add(c.hotel()));
            }
        }
        assertThat(trainSeen).isNotEmpty().allMatch(n -> !evalHotels.contains(n));
        assertThat(evalSeen).isNotEmpty().allMatch(evalHotels::contains);
    }

    @Test
    void everyFileMatchesItsSchemaAndTheSetsHaveThePapersSize() throws Exception {
        Path tmp = shared;
        assertThat(counts).containsEntry(DataGenerator.SFT, 120).containsEntry(DataGenerator.PREFS, 400)
                .containsEntry(DataGenerator.PROMPTS, 40).containsEntry(DataGenerator.ONLINE, 30).containsEntry(DataGenerator.BAD_CASES, 45);
        Schemas.check(tmp);
        List<EvalDialogue> online = EvalDialogue.read(tmp.resolve(DataGenerator.ONLINE));
        List<EvalDialogue> bad = EvalDialogue.read(tmp.resolve(DataGenerator.BAD_CASES));
        assertThat(online.stream().mapToInt(d -> d.cases().size()).sum()).isBetween(130, 150);
        assertThat(bad.stream().mapToInt(d -> d.cases().size()).sum()).isBetween(190, 225);
        assertThat(online).extracting(EvalDialogue::lang).contains("zh", "en");
    }

    @Test
    void everyGuardrailIsCoveredByPairsAndBadCases() throws Exception {
        Path tmp = shared;
        Map<String, Integer> prefTags = new TreeMap<>();
        for (String line : Files.readAllLines(tmp.resolve(DataGenerator.PREFS))) {
            prefTags.merge(JSON.readTree(line).get("breaks").asText(), 1, Integer::sum);
        }
        assertThat(prefTags.keySet()).containsExactlyInAnyOrderElementsOf(CaseChecks.TAGS);
        Map<String, Integer> caseTags = new TreeMap<>();
        for (EvalDialogue d : EvalDialogue.read(tmp.resolve(DataGenerator.BAD_CASES))) {
            d.cases().forEach(c -> c.defects().forEach(x -> caseTags.merge(x.tag(), 1, Integer::sum)));
        }
        assertThat(caseTags.keySet()).containsExactlyInAnyOrderElementsOf(CaseChecks.TAGS);
    }

    @Test
    void referenceRepliesPassEveryGuardAndRecordedBadRepliesFailTheirDefect() throws Exception {
        Path tmp = shared;
        for (String f : List.of(DataGenerator.ONLINE, DataGenerator.BAD_CASES)) {
            for (EvalDialogue d : EvalDialogue.read(tmp.resolve(f))) {
                for (EvalCase c : d.cases()) {
                    String gold = d.history().get(c.turn()).content();
                    for (Check k : c.checks()) {
                        if (k.guard()) {
                            assertThat(Checks.passes(k, gold)).as(c.id() + " " + k.id() + ": " + gold + " after " + d.context(c)).isTrue();
                        }
                    }
                    for (EvalCase.Defect x : c.defects()) {
                        assertThat(c.checks().stream().filter(k -> k.tag().equals(x.tag())).anyMatch(k -> !Checks.passes(k, c.badReply())))
                                .as(c.id() + " " + x.tag() + ": " + c.badReply()).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void theCommittedSampleFilesPassTheirReaders() throws Exception {
        Path samples = Path.of(System.getProperty("repo.fixtures")).getParent().resolve("data/samples");
        assertThat(Jsonl.readSft(samples.resolve("sft.jsonl"))).isNotEmpty();
        assertThat(Jsonl.readPreferences(samples.resolve("prefs.jsonl"))).isNotEmpty();
        assertThat(ScoredItems.readPrompts(samples.resolve("prompts.jsonl"))).isNotEmpty();
        assertThat(ScoredItems.read(samples.resolve("replies.jsonl"))).isNotEmpty();
        assertThat(HotelDb.load(samples.getParent().resolve("crosswoz-hotels/hotel_db.json")).all()).hasSize(db.all().size());
    }

    @Test
    void preferencePairsAndSftDialoguesLoadThroughTheTrainersReaders() throws Exception {
        Path tmp = shared;
        assertThat(Jsonl.readSft(tmp.resolve(DataGenerator.SFT))).hasSize(120);
        assertThat(Jsonl.readPreferences(tmp.resolve(DataGenerator.PREFS))).hasSize(400);
        assertThat(ScoredItems.readPrompts(tmp.resolve(DataGenerator.PROMPTS))).hasSize(40)
                .allMatch(i -> i.history().isEmpty() || i.history().get(i.history().size() - 1).role() == Turn.Role.HOTEL);
    }
}
