// The casemix command line: the same Engine and Wasm core as the site, for batch work under Node.
// Sub-commands print human-readable reports; errors go to stderr with a non-zero exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { tableToIPC } from 'apache-arrow';
import { csvToArrow } from '../data/csv-to-arrow.ts';
import { attempt } from '../engine/engine-errors.ts';
import { basename } from 'node:path';
import type { EngineError } from '../engine/engine-errors.ts';
import { createNodeEngine } from '../engine/node/engine-node.ts';
import { formatCount, formatDays, formatYuan } from '../i18n/number-format.ts';
import { textTable } from './text-table.ts';

const USAGE = `casemix — 病组工作台 Casemix Workbench command line

Usage:
  casemix info FILE                     schema, row count and per-department summary of a case file
                                        (Arrow IPC file/stream, or CSV by its .csv/.tsv/.txt extension)
  casemix import FILE.csv --out F.arrow  CSV (UTF-8 or GBK, Chinese or English headers) → Arrow case file
  casemix help           this text
`;

const LOCALE = 'en-US';

function printErrors(errors: EngineError[]): void {
  for (const e of errors) console.error(`error [${e.code}]: ${e.message}`);
}

async function info(path: string): Promise<number> {
  const engine = await createNodeEngine();
  const file = basename(path);
  const bytes = readInput(path);
  if (!bytes) return 1;
  const loaded = engine.loadCases(bytes, file);
  if (!loaded.ok) return printErrors(loaded.errors), 1;
  const meta = loaded.value;
  const format = meta.format === 'csv' ? `CSV (${meta.encoding})` : `Arrow ${meta.format} format`;
  console.log(`${meta.file}: ${format}, ${formatCount(meta.rows, LOCALE)} rows in ${meta.batches} record batch(es), ${formatCount(meta.bytes, LOCALE)} bytes\n`);
  console.log('Schema');
  console.log(textTable(['column', 'type'], meta.columns.map((c) => [c.name, c.type])));
  const summary = engine.departmentSummary();
  if (!summary.ok) return printErrors(summary.errors), 1;
  const s = summary.value;
  const order = Array.from(s.labels, (_, i) => i).sort((a, b) => s.cases[b] - s.cases[a]);
  console.log(`\nPer department (${s.labels.length})`);
  console.log(textTable(
    ['department', 'cases', 'total_cost', 'mean_cost', 'total_los', 'mean_los', 'deaths'],
    order.map((i) => [
      s.labels[i] || '(blank)', formatCount(s.cases[i], LOCALE), formatYuan(s.sumCost[i], LOCALE),
      formatYuan(s.meanCost[i], LOCALE), formatCount(s.sumLos[i], LOCALE), formatDays(s.meanLos[i], LOCALE),
      formatCount(s.deaths[i], LOCALE),
    ]),
    new Set([1, 2, 3, 4, 5, 6]),
  ));
  return 0;
}

function readInput(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch (e) {
    console.error(`error [file.read]: ${path}: ${e instanceof Error ? e.message : e}`);
    return null;
  }
}

/** Value of `--name VALUE` in args, and the args without it. */
function option(args: string[], name: string): [string | undefined, string[]] {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) return [undefined, args];
  return [args[i + 1], [...args.slice(0, i), ...args.slice(i + 2)]];
}

function importCsv(path: string, out: string): number {
  const bytes = readInput(path);
  if (!bytes) return 1;
  const t0 = performance.now();
  const result = attempt(() => csvToArrow(bytes, basename(path)));
  if (!result.ok) return printErrors(result.errors), 1;
  const { table, encoding, delimiter, unusedColumns } = result.value;
  writeFileSync(out, tableToIPC(table, 'file'));
  const ms = performance.now() - t0;
  console.log(`${basename(path)}: ${formatCount(table.numRows, LOCALE)} rows, ${encoding}, delimiter ${JSON.stringify(delimiter)} → ${out} (${ms.toFixed(0)} ms)`);
  console.log(`columns: ${table.schema.fields.map((f) => f.name).join(', ')}`);
  if (unusedColumns.length) console.log(`not used: ${unusedColumns.join(', ')}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      if (rest.length !== 1) break;
      return info(rest[0]);
    case 'import': {
      const [out, files] = option(rest, '--out');
      if (files.length !== 1 || !out) break;
      return importCsv(files[0], out);
    }
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      console.log(USAGE);
      return command === undefined ? 1 : 0;
  }
  console.error(`casemix: unknown or incomplete command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
