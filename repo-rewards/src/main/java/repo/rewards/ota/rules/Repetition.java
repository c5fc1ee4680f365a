package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;
import repo.rewards.ota.Turn;

/**
 * {@code repetition}: the reply repeats an earlier agent turn (character {@code ngram}-gram Jaccard
 * similarity of the normalised texts at least {@code threshold}, both at least {@code min_chars} long), or
 * confirms again a price an earlier agent turn already confirmed (确认 / confirm + the same price).
 * Parameters: {@code threshold} (0.6), {@code ngram} (3), {@code min_chars} (12).
 */
public final class Repetition extends Rule {
    public static final String ID = "repetition";
    private static final Pattern CONFIRM = Pattern.compile("(再次确认|再确认一下|确认一下|确认|核实|reconfirm|confirm)", Pattern.CASE_INSENSITIVE);

    private final double threshold;
    private final int ngram;
    private final int minChars;

    public Repetition(double points, Severity severity, double threshold, int ngram, int minChars) {
        super(ID, points, severity);
        if (threshold <= 0 || threshold > 1 || ngram < 1) {
            throw new IllegalArgumentException("need 0 < threshold <= 1 and ngram >= 1, got " + threshold + " and " + ngram);
        }
        this.threshold = threshold;
        this.ngram = ngram;
        this.minChars = minChars;
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        int b = 0;
        while (b < r.length() && Character.isWhitespace(r.charAt(b))) {
            b++;
        }
        int e = r.stripTrailing().length();
        if (Texts.normalize(r).length() >= minChars) {
            int turnNo = 0;
            for (Turn t : item.history()) {
                turnNo++;
                if (t.role() != Turn.Role.AGENT || Texts.normalize(t.content()).length() < minChars) {
                    continue;
                }
                Set<String> earlier = Texts.ngrams(t.content(), ngram);
                // Jaccard <= |earlier| / |reply grams|: a reply with more distinct grams than this cannot reach the threshold
                Set<String> grams = Texts.ngrams(r, ngram, (int) Math.min(Integer.MAX_VALUE, Math.ceil(earlier.size() / threshold)));
                if (grams == null) {
                    continue;
                }
                double sim = Texts.jaccard(grams, earlier);
                if (sim >= threshold) {
                    return List.of(finding(String.format("repeats the agent's turn %d (similarity %.2f >= %.2f)", turnNo, sim, threshold), r, b, e));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        Matcher m = CONFIRM.matcher(r);
        if (m.find()) {
            int sentEnd = Texts.sentenceEnd(r, m.end());
            for (Texts.Price p : Texts.loosePrices(r)) {
                if (p.begin() < m.start() || p.begin() > sentEnd) {
                    continue;
                }
                if (confirmedBefore(item, p.value())) {
                    out.add(finding("confirms " + p.text(r) + " again although it was already confirmed", r, m.start(), p.end()));
                    break;
                }
            }
        }
        return out;
    }

    private static boolean confirmedBefore(ScoredItem item, double price) {
        for (Turn t : item.history()) {
            if (t.role() != Turn.Role.AGENT) {
                continue;
            }
            Matcher m = CONFIRM.matcher(t.content());
            String c = t.content();
            if (m.find() && Texts.loosePrices(c).stream().anyMatch(p -> Texts.sentenceStart(c, p.begin()) == Texts.sentenceStart(c, m.start())
                    && Texts.near(p.value(), price, 0.5))) {
                return true;
            }
        }
        return false;
    }

    /** ServiceLoader provider. */
    public static final class Provider implements RewardFunctionProvider {
        @Override
        public String ruleId() {
            return ID;
        }

        @Override
        public RewardFunction create(Map<String, Object> settings) {
            RuleSettings s = new RuleSettings(ID, settings);
            Rule r = new Repetition(s.points(-20), s.severity(Severity.MEDIUM), s.getDouble("threshold", 0.6), s.getInt("ngram", 3),
                    s.getInt("min_chars", 12));
            s.done();
            return r;
        }
    }
}
