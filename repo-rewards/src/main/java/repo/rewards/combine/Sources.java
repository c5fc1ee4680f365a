package repo.rewards.combine;

import repo.rewards.api.SourceResult;

/**
 * What the three sources said about one item; any may be null when that source is off.
 *
 * @param rm the reward model (primary signal)
 * @param judge the LLM judge's summed points (E_judge)
 * @param rules the rules' summed points (E_func)
 */
public record Sources(SourceResult rm, SourceResult judge, SourceResult rules) {
}
