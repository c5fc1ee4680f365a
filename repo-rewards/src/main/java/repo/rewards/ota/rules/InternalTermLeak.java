package repo.rewards.ota.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.ota.ScoredItem;
import repo.rewards.api.Severity;

/**
 * {@code internal-term-leak}: the reply says an OTA-internal word to the hotel: 工单 / work order,
 * 目标价 / target price, 底价 / floor price, or an internal system name. One finding per occurrence.
 * Parameters: {@code terms} (replaces the default term list), {@code systems} (internal system names).
 */
public final class InternalTermLeak extends Rule {
    public static final String ID = "internal-term-leak";
    public static final List<String> DEFAULT_TERMS = List.of("工单", "追价单", "目标价", "底价", "最低可接受价",
            "work order", "work-order", "price-chase ticket", "target price", "target rate", "floor price", "floor rate");
    public static final List<String> DEFAULT_SYSTEMS = List.of("追价系统", "比价系统", "BD后台", "price-chase system", "pricing engine");

    private final List<String> terms;

    public InternalTermLeak(double points, Severity severity, List<String> terms) {
        super(ID, points, severity);
        this.terms = List.copyOf(terms);
    }

    @Override
    public List<Finding> evaluate(ScoredItem item) {
        String r = item.reply();
        List<Finding> out = new ArrayList<>();
        for (int[] m : Texts.findLiterals(r, terms)) {
            out.add(finding("internal term \"" + r.substring(m[0], m[1]) + "\" said to the hotel", r, m[0], m[1]));
        }
        return out;
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
            List<String> all = new ArrayList<>(s.getStrings("terms", DEFAULT_TERMS));
            all.addAll(s.getStrings("systems", DEFAULT_SYSTEMS));
            Rule r = new InternalTermLeak(s.points(-50), s.severity(Severity.HIGH), all);
            s.done();
            return r;
        }
    }
}
