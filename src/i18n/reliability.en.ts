// English texts of the reliability errors (issue #19), spread into en.ts.
// The type makes a key missing here a compile error.
import type { reliabilityZhCN } from './reliability.zh-CN.ts';

export const reliabilityEn: Record<keyof typeof reliabilityZhCN, string> = {
  'error.file.write': '{file}: cannot be written ({detail}).',
  'error.file.access': '{file}: cannot be reached ({detail}).',
  'error.cli.option': 'Bad command-line option: {detail}',
};
