// English strings of the payment page (spread into en.ts); the type makes a missing key a compile error.
import type { paymentZhCN } from './payment.zh-CN.ts';

export const paymentEn: Record<keyof typeof paymentZhCN, string> = {
  'payment.placeholder': '',
};
