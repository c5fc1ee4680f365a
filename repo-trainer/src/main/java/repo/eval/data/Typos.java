package repo.eval.data;

import java.util.SplittableRandom;

/** Colloquial noise for hotel turns: homophone slips, dropped punctuation, fillers (Chinese); letter swaps (English). */
final class Typos {
    private Typos() {
    }

    private static final String[][] HOMOPHONES = {{"在", "再"}, {"的", "得"}, {"做", "作"}, {"已经", "以经"}, {"那", "哪"}};
    private static final String[] FILLERS = {"哈", "啊", "嘛", "呢"};

    /** With probability {@code p}, one slip in the text; numbers are never touched. */
    static String apply(String s, String lang, double p, SplittableRandom rng) {
        if (s.isEmpty() || rng.nextDouble() >= p) {
            return s;
        }
        if ("zh".equals(lang)) {
            int kind = rng.nextInt(3);
            if (kind == 0) {
                String[] h = HOMOPHONES[rng.nextInt(HOMOPHONES.length)];
                return s.contains(h[0]) ? s.replaceFirst(h[0], h[1]) : s + FILLERS[rng.nextInt(FILLERS.length)];
            }
            if (kind == 1) {
                return s.replaceAll("[。，]$", "");
            }
            return s.replaceFirst("([。？])$", FILLERS[rng.nextInt(FILLERS.length)] + "$1");
        }
        String[] words = s.split(" ");
        int w = rng.nextInt(words.length);
        String word = words[w];
        if (word.length() >= 4 && word.chars().allMatch(Character::isLetter)) {
            int i = 1 + rng.nextInt(word.length() - 2);
            char[] c = word.toCharArray();
            char t = c[i];
            c[i] = c[i + 1];
            c[i + 1] = t;
            words[w] = new String(c);
            return String.join(" ", words);
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
