// Room for the category labels of a horizontal chart (Observable Plot draws them at 10 px):
// CJK characters are about twice as wide as Latin ones.

/** The left margin, in pixels, that fits the longest label, between 60 and `max`. */
export function labelMargin(labels: readonly string[], max: number): number {
  const width = (l: string) => [...l].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 10 : 6), 0);
  return Math.min(max, Math.max(60, 12 + Math.max(0, ...labels.map(width))));
}
