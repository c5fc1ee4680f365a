package repo.trainer.loop;

import java.util.ArrayList;
import java.util.List;
import repo.core.text.ChatFormat;
import repo.trainer.data.PreferencePair;

/**
 * A tokenised preference pair: the same prompt with the chosen and the rejected reply (thinking off, as
 * the policy generates them).
 */
public record PairExample(Sequences.Tokens chosen, Sequences.Tokens rejected) {

    /** Padded tokens the pair occupies in a micro-batch (two rows). */
    public int length() {
        return 2 * Math.max(chosen.length(), rejected.length());
    }

    public static List<PairExample> tokenize(List<PreferencePair> pairs, TrainableModel tm, int maxLength) {
        ChatFormat chat = new ChatFormat();
        List<PairExample> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PreferencePair p = pairs.get(i);
            PairExample e = new PairExample(Sequences.promptAndReply(p.prompt(), p.chosen(), tm.tokenizer(), chat),
                    Sequences.promptAndReply(p.prompt(), p.rejected(), tm.tokenizer(), chat));
            String what = "pair " + (i + 1) + p.id().map(id -> " (" + id + ")").orElse("");
            Sequences.checkLength(e.chosen(), maxLength, what + " chosen");
            Sequences.checkLength(e.rejected(), maxLength, what + " rejected");
            out.add(e);
        }
        return out;
    }

    /** Chosen rows first, then rejected rows: 2B sequences for one forward pass. */
    public static List<Sequences.Tokens> rows(List<PairExample> pairs) {
        List<Sequences.Tokens> rows = new ArrayList<>();
        pairs.forEach(p -> rows.add(p.chosen()));
        pairs.forEach(p -> rows.add(p.rejected()));
        return rows;
    }
}
