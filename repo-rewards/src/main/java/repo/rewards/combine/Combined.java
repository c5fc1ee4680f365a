package repo.rewards.combine;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The combined reward of one item and the parts it was made of. Absent or failed parts are null.
 *
 * @param rTotal the reward given to the trainer; null when dropped
 * @param eEnh the enhancement E = clip(E_judge + E_func, -n, n) (enhancement combiner), or null
 * @param rModel the RM score used (after whitening, if on), or null
 * @param eJudge the judge's points as used (0 for a failed judge under USE_REMAINING), or null when off
 * @param eFunc the rules' points as used, or null when off
 * @param dropped true when the item must not be trained on
 * @param failedSources names of the sources that failed for this item
 * @param note how the reward was formed when it is not the plain formula (e.g. "no rm"), or why it was dropped
 */
public record Combined(@JsonProperty("r_total") Double rTotal, @JsonProperty("e_enh") Double eEnh,
                       @JsonProperty("r_model") Double rModel, @JsonProperty("e_judge") Double eJudge,
                       @JsonProperty("e_func") Double eFunc, boolean dropped,
                       @JsonProperty("failed_sources") List<String> failedSources, String note) {
    public Combined {
        failedSources = failedSources == null ? List.of() : List.copyOf(failedSources);
    }

    public static Combined dropped(List<String> failed, String why) {
        return new Combined(null, null, null, null, null, true, failed, why);
    }
}
