// meta.csv (name, version, code systems, fallback lengths …) and params.csv (default payment parameters).
// Reads key/value rows; a key meta.csv does not know, or a bad value, is a problem at its line.
import { normaliseHeader } from '../../shared/csv-header.ts';
import { YES_NO } from './cell-vocabularies.ts';
import { META_KEYS } from './table-specs.ts';
import type { CellReader, Row } from './cell-reader.ts';

/** What meta.csv says; every field is undefined when the file leaves it out. */
export interface MetaSection {
  /** The text of a meta key, undefined when absent or empty. */
  text: (key: string) => string | undefined;
  dipFactor: number | undefined;
  teaching: boolean | undefined;
  retry: boolean | undefined;
  dxLengths: number[] | undefined;
  procLengths: number[] | undefined;
  dxSystem: string | undefined;
  procSystem: string | undefined;
}

const metaKeyOf = new Map<string, string>();
for (const [k, aliases] of Object.entries(META_KEYS)) for (const a of [k, ...aliases]) metaKeyOf.set(normaliseHeader(a), k);

export function readMetaSection(reader: CellReader): MetaSection {
  const metaIn: Record<string, { value: string; row: Row }> = {};
  const seenMeta = reader.unique('meta', 'key');
  for (const r of reader.rowsOf('meta')) {
    const k = reader.required('meta', r, 'key');
    if (k === null) continue;
    const key = metaKeyOf.get(normaliseHeader(k));
    if (!key) { reader.problemAt('csv.bad_value', `"${k}" is not a meta key (${Object.keys(META_KEYS).join(', ')})`, 'meta', r.line, 'key'); continue; }
    if (seenMeta(key, r)) metaIn[key] = { value: reader.cell(r, 'value'), row: r };
  }
  const metaWord = <T,>(key: string, vocab: Map<string, T>, what: string): T | undefined => {
    const m = metaIn[key];
    if (!m || m.value === '') return undefined;
    const v = vocab.get(normaliseHeader(m.value));
    if (v === undefined) reader.problemAt('csv.bad_value', `${key}: "${m.value}" is not ${what}`, 'meta', m.row.line, 'value');
    return v;
  };
  const metaLengths = (key: string): number[] | undefined => {
    const m = metaIn[key];
    if (!m || m.value === '') return undefined;
    const parts = m.value.split(/[;,，；\s/]+/).filter((s) => s !== '');
    if (!parts.every((p) => /^\d+$/.test(p) && Number(p) > 0)) {
      reader.problemAt('csv.not_number', `${key}: "${m.value}" must be code lengths such as 5 or 5;3`, 'meta', m.row.line, 'value');
      return undefined;
    }
    return parts.map(Number);
  };
  const text = (key: string) => (metaIn[key]?.value ? metaIn[key]!.value : undefined);
  let dipFactor: number | undefined;
  const factor = metaIn.dip_score_factor;
  if (factor?.value) {
    const n = Number(factor.value);
    if (Number.isFinite(n) && n > 0) dipFactor = n;
    else reader.problemAt('csv.not_number', `dip_score_factor: "${factor.value}" is not a number`, 'meta', factor.row.line, 'value');
  }
  const teaching = metaWord('teaching_only', YES_NO, 'yes/no (是/否)');
  const retry = metaWord('retry_each_other_procedure', YES_NO, 'yes/no (是/否)');
  const dxLengths = metaLengths('dx_fallback_lengths');
  const procLengths = metaLengths('proc_fallback_lengths');
  return { text, dipFactor, teaching, retry, dxLengths, procLengths, dxSystem: text('dx_code_system'), procSystem: text('proc_code_system') };
}

/** params.csv: numbers stay numbers, yes/no words become booleans, anything else stays text. */
export function readParameters(reader: CellReader): Record<string, number | string | boolean> {
  const parameters: Record<string, number | string | boolean> = {};
  const seenParam = reader.unique('params', 'key');
  for (const r of reader.rowsOf('params')) {
    const k = reader.required('params', r, 'key');
    if (k === null || !seenParam(k, r)) continue;
    const v = reader.cell(r, 'value');
    const yn = YES_NO.get(normaliseHeader(v));
    parameters[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v !== '' && yn !== undefined && !/^\d+$/.test(v) ? yn : v;
    reader.from('parameters', k, 'params', r);
  }
  return parameters;
}
