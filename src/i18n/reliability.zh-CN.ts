// Chinese texts of the reliability errors (issue #19): files the command line cannot write or reach, bad flags.
// Spread into zh-CN.ts; ruleset problems such as a too-deep condition go through error.ruleset.problem.
export const reliabilityZhCN = {
  'error.file.write': '{file}：无法写入（{detail}）。',
  'error.file.access': '{file}：无法访问（{detail}）。',
  'error.cli.option': '命令行参数有误：{detail}',
} as const;
