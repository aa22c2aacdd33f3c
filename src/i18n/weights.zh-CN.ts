// Chinese strings of the weight table added to a ruleset on the Grouping page (spread into zh-CN.ts).
// A region's 权重表 is published apart from its grouping rules; these words report what adding it did.
export const weightsZhCN = {
  'weights.hint': '地区的权重表与分组规则分开发布：同时选择规则文件（rules.json 或 casemix-ruleset JSON）和权重表 CSV（分组编码、权重，可选平均住院日、例均费用、费率），权重即加入规则，CMI 与支付模拟随之可用。',
  'weights.title': '权重表 {file}',
  'weights.applied': '已为 {n} 个 DRG 赋予权重。',
  'weights.rate': '基准费率 {rate} 元（各级医院）。',
  'weights.unknown': '{n} 个 DRG 编码不在本规则中（这些行未使用）',
  'weights.unknownRow': '{file} 第 {line} 行：{code}',
  'weights.without': '{n} 个 DRG 没有权重（其病例计入 CMI 时权重为 0；歧义组不计）',
  'weights.allWeighted': '本规则的所有 DRG 均有权重。',
  'weights.ignored': '未读取的列：{columns}',
} as const;
