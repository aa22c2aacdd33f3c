// Chinese strings of the payment page (spread into zh-CN.ts), in the domain's own terms.
// Keys start with 'payment.'; payment.en.ts must hold exactly the same keys.
export const paymentZhCN = {
  'payment.placeholder': '',
} as const;
