// English strings of the evaluation page (spread into en.ts); the type makes a missing key a compile error.
import type { evaluationZhCN } from './evaluation.zh-CN.ts';

export const evaluationEn: Record<keyof typeof evaluationZhCN, string> = {
  'evaluation.placeholder': '',
};
