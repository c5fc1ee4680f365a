package repo.rewards.ota.eval;

import java.util.Set;
import repo.rewards.ota.ScoredItem;

/**
 * One labelled reply of the rewards evaluation set (see {@code data/rewards-eval/PROTOCOL.md}).
 *
 * @param item the task, history and reply
 * @param labels the rule ids the reply breaks (empty = none)
 * @param origin where the text comes from
 * @param lang {@code en}, {@code zh-Hans} or {@code zh-Hant}
 * @param category the written category, or the corpus name of a real item
 * @param line 1-based line of the set file
 */
public record EvalItem(ScoredItem item, Set<String> labels, Origin origin, String lang, String category, int line) {
    public EvalItem {
        labels = Set.copyOf(labels);
    }

    /** Where the reply comes from. */
    public enum Origin {
        /** A human utterance copied from an openly licensed corpus. */
        REAL("real"),
        /** A reply built around real database content (CrossWOZ hotels). */
        REAL_DB("real-db"),
        /** A violation or near-miss written from the protocol. */
        WRITTEN("written");

        private final String key;

        Origin(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Real text (corpus or database) as opposed to written items. */
        public boolean real() {
            return this != WRITTEN;
        }

        static Origin parse(String s) {
            for (Origin o : values()) {
                if (o.key.equals(s)) {
                    return o;
                }
            }
            return null;
        }
    }
}
