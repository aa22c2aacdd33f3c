// `--weights W.csv` of `casemix ruleset import-chs`: adds a region's weight table to imported rules and prints
// what it did (weights applied, unknown DRG codes with their line, DRGs left without a weight).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Ruleset } from '../rules/ruleset-format.ts';
import { addWeightTable, type WeightReport } from '../rules/weight-table.ts';
import { formatCount, formatYuan } from '../i18n/number-format.ts';

const LOCALE = 'en-US';
/** How many codes of a long list the terminal shows. */
const SHOWN = 20;

function printReport(r: WeightReport): void {
  const rate = r.rateYuan !== undefined ? `; base rate ${formatYuan(r.rateYuan, LOCALE)} yuan for every hospital level` : '';
  console.log(`${r.file}: weights applied to ${formatCount(r.applied, LOCALE)} DRG(s)${rate}`);
  for (const u of r.unknown) console.log(`warning [weights.unknown_drg]: ${u.file}:${u.line}: DRG ${u.code} is not in the ruleset; the row is not used`);
  if (r.withoutWeight.length) {
    const more = r.withoutWeight.length > SHOWN ? `, … (${r.withoutWeight.length - SHOWN} more)` : '';
    console.log(`${formatCount(r.withoutWeight.length, LOCALE)} DRG(s) without a weight: ${r.withoutWeight.slice(0, SHOWN).join(', ')}${more}`);
  } else console.log('every DRG has a weight');
  if (r.ignoredColumns.length) console.log(`columns not read: ${r.ignoredColumns.join(', ')}`);
}

/** The ruleset with the weight table applied (and the report printed), or null after printing every problem. */
export function withWeightTable(ruleset: Ruleset, path: string): Ruleset | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    console.error(`error [file.read]: ${path}: ${e instanceof Error ? e.message : e}`);
    return null;
  }
  const result = addWeightTable(ruleset, { name: basename(path), bytes });
  if (!result.ruleset || !result.report) {
    for (const p of result.problems) {
      console.error(`error [${p.code}]: ${p.where.table}${p.where.row !== undefined ? `:${p.where.row}` : ''}${p.where.field ? ` ${p.where.field}` : ''}: ${p.message}`);
    }
    console.error(`${result.problems.length} problem(s) in the weight table: nothing written`);
    return null;
  }
  printReport(result.report);
  return result.ruleset;
}
