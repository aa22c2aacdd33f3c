// Number formats users can trust: money in yuan with two decimals, weights to four places, counts whole.
// One place for them, and one cache of Intl formatters, so every table and chart rounds the same way.

const cache = new Map<string, Intl.NumberFormat>();

/** The formatter for a locale and options, made once (making one is slow; using it is not). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

const fixed = (locale: string, min: number, max: number) => numberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max });

export const formatYuan = (v: number, locale: string) => fixed(locale, 2, 2).format(v);
export const formatWeight = (v: number, locale: string) => fixed(locale, 4, 4).format(v);
export const formatCount = (v: number, locale: string) => fixed(locale, 0, 0).format(v);
export const formatDays = (v: number, locale: string) => fixed(locale, 2, 2).format(v);

/** As many decimals as the value has, up to `max` (a ratio, a coefficient, an axis tick). */
export const formatUpTo = (v: number, locale: string, max: number) => fixed(locale, 0, max).format(v);
/** A ratio, coefficient or point value: up to four decimals. */
export const formatPlain = (v: number, locale: string) => numberFormat(locale, { maximumFractionDigits: 4 }).format(v);
/** Axis ticks of money: short (1.2亿, 35万; 120M, 350K). */
export const formatCompactYuan = (v: number, locale: string) => numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(v);

/** A fraction as a percentage: 0.0017 → "0.17%". */
export const formatPercent = (v: number, locale: string) => `${fixed(locale, 2, 2).format(v * 100)}%`;
/** A change rate: 0.032 → "+3.2%". */
export const formatChange = (v: number, locale: string) =>
  `${numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(v * 100)}%`;

/** A change in yuan with its sign (+1,234.56 / -1,234.56; 0.00 when it rounds to nothing). */
export function formatSignedYuan(v: number, locale: string): string {
  const text = formatYuan(v, locale);
  return v > 0 && text !== formatYuan(0, locale) ? `+${text}` : text.replace(/^-(0[.,]00)$/, '$1');
}

/** A change in cases with its sign (+12 / -3; 0 when it rounds to nothing). */
export function formatSignedCount(v: number, locale: string): string {
  const text = formatCount(v, locale);
  return v > 0 && text !== '0' ? `+${text}` : text.replace(/^-0$/, '0');
}
