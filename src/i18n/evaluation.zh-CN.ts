// Chinese strings of the evaluation page (spread into zh-CN.ts), in the domain's own terms.
// Keys start with 'evaluation.'; evaluation.en.ts must hold exactly the same keys.
export const evaluationZhCN = {
  'evaluation.placeholder': '',
} as const;
