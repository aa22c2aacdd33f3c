// The number columns of a result table: the id of the column of values, its header in the dictionaries and its
// format. Headers are `<prefix>.<id>`, so a column whose header is missing from the dictionaries does not compile.
import type { MessageKey } from '../i18n/zh-CN.ts';

export type NumberFormat = (v: number, locale: string) => string;

export interface NumberColumn<K extends string> {
  id: K;
  key: MessageKey;
  format: NumberFormat;
}

/** The columns in the order given: `numberColumns('dept.col', { cases: formatCount, sumCost: formatYuan })`. */
export function numberColumns<P extends string, K extends string>(
  prefix: P,
  formats: { [id in K]: `${P}.${id}` extends MessageKey ? NumberFormat : never },
): NumberColumn<K>[] {
  return (Object.keys(formats) as K[]).map((id) => ({ id, key: `${prefix}.${id}` as MessageKey, format: formats[id] }));
}
