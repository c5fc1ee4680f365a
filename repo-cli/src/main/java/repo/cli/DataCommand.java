package repo.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.eval.data.DataGenerator;
import repo.eval.data.HotelDb;

/** {@code repo data generate}: maps flags to {@link DataGenerator}. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Task data.",
        subcommands = {DataCommand.Generate.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: generate");
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write SFT dialogues, preference pairs, RL prompts, an online-style evaluation set and a bad-case set "
                    + "from real hotels (deterministic: same seed, same bytes).")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--seed", defaultValue = "1", description = "seed of every draw (default: ${DEFAULT-VALUE})") long seed;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder") Path out;
        @Option(names = "--sft", defaultValue = "1991", description = "SFT dialogues (default: ${DEFAULT-VALUE})") int sft;
        @Option(names = "--pairs", defaultValue = "6632", description = "preference pairs (default: ${DEFAULT-VALUE})") int pairs;
        @Option(names = "--prompts", defaultValue = "512", description = "RL prompts (default: ${DEFAULT-VALUE})") int prompts;
        @Option(names = "--online", defaultValue = "30", description = "online-style evaluation dialogues (default: ${DEFAULT-VALUE})") int online;
        @Option(names = "--bad-cases", defaultValue = "45", description = "bad-case dialogues (default: ${DEFAULT-VALUE})") int badCases;
        @Option(names = "--cases-per-dialogue", defaultValue = "5", description = "evaluated turns per dialogue (default: ${DEFAULT-VALUE})") int perDialogue;
        @Option(names = "--zh-share", defaultValue = "0.7", description = "share of Chinese dialogues (default: ${DEFAULT-VALUE})") double zhShare;
        @Option(names = "--typo-rate", defaultValue = "0.15", description = "chance of a slip in a hotel turn (default: ${DEFAULT-VALUE})") double typo;
        @Option(names = "--hotels", paramLabel = "FILE", description = "hotel database (default: the bundled data/crosswoz-hotels/hotel_db.json)") Path hotels;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DataGenerator.Config cfg = new DataGenerator.Config(seed, sft, pairs, prompts, online, badCases, perDialogue, zhShare, typo);
            Map<String, Integer> counts = new DataGenerator(cfg, hotels == null ? HotelDb.bundled() : HotelDb.load(hotels)).write(out);
            var o = spec.commandLine().getOut();
            counts.forEach((f, n) -> o.println(String.format("%-20s %6d lines", f, n)));
            o.println("wrote " + out + " (seed " + seed + ")");
            o.flush();
            return 0;
        }
    }
}
