// dip.csv → the DIP catalogue (§4): one core combination per row, a principal diagnosis and a set of
// procedures, with its score or mean cost. A combination listed twice is a problem at the second line.
import type { DipCatalogEntry } from '../ruleset-format.ts';
import type { CellReader } from './cell-reader.ts';

export function readDipCatalog(reader: CellReader): DipCatalogEntry[] {
  const dipCatalog: DipCatalogEntry[] = [];
  const seenDip = new Map<string, number>();
  for (const r of reader.rowsOf('dip')) {
    const dx = reader.required('dip', r, 'dx');
    const score = reader.number('dip', r, 'score');
    const cost = reader.number('dip', r, 'mean_cost');
    if (dx === null || score === null || cost === null) continue;
    const procs = [...new Set(reader.cell(r, 'procs').split(/[+;；,，、|\s]+/).filter((p) => p !== ''))].sort();
    const key = `${dx.toUpperCase()}|${procs.join('+').toUpperCase()}`;
    const first = seenDip.get(key);
    if (first !== undefined) { reader.problemAt('csv.duplicate', `DIP combination ${dx} + [${procs.join(' ')}] appears twice (first on line ${first})`, 'dip', r.line, 'procs'); continue; }
    seenDip.set(key, r.line);
    const e: DipCatalogEntry = { dx, procs };
    if (reader.cell(r, 'name')) e.name = reader.cell(r, 'name');
    if (score !== undefined) e.score = score;
    if (cost !== undefined) e.mean_cost = cost;
    reader.from('dip_catalog', dipCatalog.length, 'dip', r);
    dipCatalog.push(e);
  }
  return dipCatalog;
}
