// Number formats users can trust: money in yuan with two decimals, weights to four places, counts whole.
// One place for them so every table and chart rounds the same way.

const cache = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, min: number, max: number): Intl.NumberFormat {
  const key = `${locale}|${min}|${max}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max })));
  return f;
}

export const formatYuan = (v: number, locale: string) => formatter(locale, 2, 2).format(v);
export const formatWeight = (v: number, locale: string) => formatter(locale, 4, 4).format(v);
export const formatCount = (v: number, locale: string) => formatter(locale, 0, 0).format(v);
export const formatDays = (v: number, locale: string) => formatter(locale, 2, 2).format(v);
