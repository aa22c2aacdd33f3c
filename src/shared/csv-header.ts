// How a CSV header is compared with the names it may stand for, whatever the table (cases, rules, benchmarks).
// Case, spaces, underscores, dashes and brackets are ignored, so 年龄（岁）, 年龄(岁) and age_years all match.

export function normaliseHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s_\-（）()【】[\]·.:：]/g, '');
}
