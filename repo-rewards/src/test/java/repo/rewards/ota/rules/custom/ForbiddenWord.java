package repo.rewards.ota.rules.custom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import repo.rewards.api.Finding;
import repo.rewards.api.RewardFunction;
import repo.rewards.api.RewardFunctionProvider;
import repo.rewards.api.Severity;
import repo.rewards.ota.rules.RuleSettings;

/**
 * A user's own rule, outside the library's package, registered only in the test resources'
 * META-INF/services: proves that rules are added without forking.
 */
public final class ForbiddenWord implements RewardFunctionProvider {
    @Override
    public String ruleId() {
        return "forbidden-word";
    }

    @Override
    public RewardFunction create(Map<String, Object> settings) {
        RuleSettings s = new RuleSettings(ruleId(), settings);
        double points = s.points(-5);
        Severity severity = s.severity(Severity.LOW);
        List<String> words = s.getStrings("words", List.of("亲", "dear"));
        s.done();
        return item -> {
            List<Finding> out = new ArrayList<>();
            String r = item.requireCompletion();
            for (String w : words) {
                int i = r.indexOf(w);
                if (i >= 0) {
                    out.add(new Finding(ruleId(), severity, points, "forbidden word " + w, new Finding.Evidence(i, i + w.length(), w)));
                }
            }
            return out;
        };
    }
}
