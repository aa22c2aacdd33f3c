// English strings of the weight table added to a ruleset on the Grouping page (spread into en.ts).
// The type makes a key missing here a compile error.
import type { weightsZhCN } from './weights.zh-CN.ts';

export const weightsEn: Record<keyof typeof weightsZhCN, string> = {
  'weights.hint': 'Regions publish the weight table apart from the grouping rules: choose the rules file (rules.json or a casemix-ruleset JSON) together with the weight table as CSV (DRG code, weight; optionally mean LOS, mean cost, rate) and the weights are added to the rules, so CMI and the Payment page work.',
  'weights.title': 'Weight table {file}',
  'weights.applied': 'Weights given to {n} DRG(s).',
  'weights.rate': 'Base rate {rate} yuan (every hospital level).',
  'weights.unknown': '{n} DRG code(s) not in this ruleset (those rows are not used)',
  'weights.unknownRow': '{file} line {line}: {code}',
  'weights.without': '{n} DRG(s) without a weight (their cases count with weight 0 in CMI; ambiguity groups aside)',
  'weights.allWeighted': 'Every DRG of this ruleset has a weight.',
  'weights.ignored': 'Columns not read: {columns}',
};
