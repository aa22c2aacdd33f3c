// The casemix command line: the same Engine and Wasm core as the site, for batch work under Node.
// Sub-commands print human-readable reports; errors go to stderr with a non-zero exit code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { csvToArrow } from '../data/csv-to-arrow.ts';
import { exportColumns } from '../data/table-export.ts';
import { prepareRulesetText } from '../engine/ruleset-loading.ts';
import { attempt, type EngineError } from '../shared/errors.ts';
import { createNodeEngine } from '../engine/node/engine-node.ts';
import { ROOT } from '../engine/node/wasm-build.ts';
import { formatCount, formatDays, formatWeight, formatYuan } from '../i18n/number-format.ts';
import { importChsRules } from '../rules/import-chs.ts';
import { importCsvDir } from '../rules/node/import-csv-dir.ts';
import { REASON_CODES, REASON_NAMES } from '../rules/ruleset-format.ts';
import { writeDemoRuleset } from '../rules/demo/write-demo-ruleset.ts';
import { generateCommand } from './generate-command.ts';
import { priceCommand } from './price-command.ts';
import { EVALUATE_USAGE, evaluateCommand, parseEvaluateOptions } from './evaluate-command.ts';
import { textTable } from './text-table.ts';
import { withWeightTable } from './weight-table-option.ts';
import { UserError, checkOutPath, fileReason, reportUncaught, writeUserFile } from './cli-errors.ts';

const USAGE = `casemix — 病组工作台 Casemix Workbench command line

Usage:
  casemix info FILE                     schema, row count and per-department summary of a case file
                                        (Arrow IPC file/stream, or CSV by its .csv/.tsv/.txt extension)
  casemix import FILE.csv --out F.arrow  CSV (UTF-8 or GBK, Chinese or English headers) → Arrow case file
  casemix generate --cases N --seed S [--hospitals H] [--years Y] [--anomaly-rate R]
                   [--quality-error-rate R] [--compact] [--stream] --out FILE.arrow
                                        synthetic cases from the demo ruleset, with planted anomalies
                                        (ground truth in gt_anomaly, gt_detail, gt_drg, gt_related_case)
  casemix check CASES [--ruleset R] [--out FINDINGS.csv]
                                        data-quality report (§11): findings per rule, example rows
  casemix group CASES [--ruleset R] [--out OUT.arrow|OUT.csv]
                                        group cases (demo ruleset by default); prints 入组率, CMI and time;
                                        --out writes case_id, mdc, adrg, drg, severity, reason per case
  casemix price CASES [--ruleset R] [--scenario S.json] [--out OUT.arrow|OUT.csv]
                                        DRG (§3) and DIP (§4) payment under the ruleset's defaults or a
                                        scenario (saved from the Payment page): fund, hospitals, margins,
                                        outliers; --out writes the per-case payment columns
${EVALUATE_USAGE}
  casemix explain CASES --case ID [--ruleset R]
                                        the grouper's path for one case, step by step
  casemix ruleset check R.json          validate a ruleset (casemix-ruleset/1 or CHS-DRG layout)
  casemix ruleset import DIR --out R.json
                                        build a ruleset from CSV tables (drg.csv, adrg.csv, …; docs/ruleset-format.md)
  casemix ruleset import-chs RULES.json [--weights W.csv] --out R.json
                                        convert CHS-DRG rules (reference layout) to casemix-ruleset/1;
                                        --weights adds the region's weight table (权重表, CSV)
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
    console.error(`error [file.read]: ${path}: ${fileReason(e)}`);
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
  writeUserFile(out, tableToIPC(table, 'file'));
  const ms = performance.now() - t0;
  console.log(`${basename(path)}: ${formatCount(table.numRows, LOCALE)} rows, ${encoding}, delimiter ${JSON.stringify(delimiter)} → ${out} (${ms.toFixed(0)} ms)`);
  console.log(`columns: ${table.schema.fields.map((f) => f.name).join(', ')}`);
  if (unusedColumns.length) console.log(`not used: ${unusedColumns.join(', ')}`);
  return 0;
}

const DEMO_RULESET = join(ROOT, 'public', 'demo', 'ruleset.json');
const REASON_AMBIGUOUS = REASON_CODES.ambiguous;

/** An engine with the ruleset (the demo one by default) and the cases loaded, or null after printing why. */
async function engineWith(casesPath: string, rulesetPath: string | undefined) {
  const engine = await createNodeEngine();
  const rulesPath = rulesetPath ?? DEMO_RULESET;
  if (!rulesetPath && !existsSync(DEMO_RULESET)) writeDemoRuleset();
  const rulesText = readInput(rulesPath);
  if (!rulesText) return null;
  const t0 = performance.now();
  const rules = engine.loadRulesetText(new TextDecoder().decode(rulesText), basename(rulesPath));
  if (!rules.ok) return printErrors(rules.errors), null;
  const compileMs = performance.now() - t0;
  const bytes = readInput(casesPath);
  if (!bytes) return null;
  const t1 = performance.now();
  const loaded = engine.loadCases(bytes, basename(casesPath));
  if (!loaded.ok) return printErrors(loaded.errors), null;
  return { engine, rules: rules.value, compileMs, loadAndGroupMs: performance.now() - t1 };
}

async function group(casesPath: string, rulesetPath: string | undefined, out: string | undefined): Promise<number> {
  const ready = await engineWith(casesPath, rulesetPath);
  if (!ready) return 1;
  const { engine, rules } = ready;
  const summary = engine.groupingSummary();
  if (!summary.ok) return printErrors(summary.errors), 1;
  const s = summary.value;
  console.log(`ruleset: ${rules.name} (version ${rules.version})${rules.teachingOnly ? ' — teaching ruleset, not for settlement' : ''}; compiled in ${ready.compileMs.toFixed(0)} ms`);
  console.log(`cases: ${formatCount(s.totalCases, LOCALE)}  grouped: ${formatCount(s.groupedCases, LOCALE)}  ambiguous (xQY): ${formatCount(s.ambiguousCases, LOCALE)}  ungrouped (0000): ${formatCount(s.ungroupedCases, LOCALE)}`);
  console.log(`入组率 grouping rate: ${(s.groupingRate * 100).toFixed(2)}%   CMI: ${s.cmi > 0 ? formatWeight(s.cmi, LOCALE) : 'n/a (the ruleset has no weights)'}`);
  console.log(`time: grouping ${s.groupMs.toFixed(0)} ms (${formatCount((s.totalCases / Math.max(s.groupMs, 1e-3)) * 1000, LOCALE)} cases/s); load + group ${ready.loadAndGroupMs.toFixed(0)} ms`);
  if (s.reasons.length) console.log(`not grouped: ${s.reasons.map((r) => `${r.reason} ${r.cases}`).join(', ')}`);
  if (out) {
    const { compiled, out: o } = engine.groupingOutput();
    const str = compiled.strings;
    const code = (ids: Int32Array, names: string[], none: string) => Array.from(ids, (id) => (id >= 0 ? names[id] : none));
    const drg = code(o.drg, str.drgCodes, '0000');
    const bytes = exportColumns([
      { name: 'case_id', kind: 'text', values: engine.caseIds() },
      { name: 'mdc', kind: 'text', values: code(o.mdc, str.mdcCodes, '') },
      { name: 'adrg', kind: 'text', values: Array.from(o.adrg, (id, i) => (id < 0 ? '00' : o.reason[i] === REASON_AMBIGUOUS ? 'QY' : str.adrgCodes[id])) },
      { name: 'drg', kind: 'text', values: drg },
      { name: 'severity', kind: 'int', values: Int32Array.from(o.severity) },
      { name: 'reason', kind: 'text', values: Array.from(o.reason, (r) => REASON_NAMES[r]) },
    ], out.toLowerCase().endsWith('.csv') ? 'csv' : 'arrow');
    writeUserFile(out, bytes);
    console.log(`wrote ${out}`);
  }
  return 0;
}

type Leaf = { test: string; field?: string; list?: string; value?: unknown; matched?: string; result: boolean };

async function explain(casesPath: string, caseId: string, rulesetPath: string | undefined): Promise<number> {
  const ready = await engineWith(casesPath, rulesetPath);
  if (!ready) return 1;
  const e = ready.engine.explainCase({ caseId });
  if (!e.ok) return printErrors(e.errors), 1;
  const x = e.value;
  const f = x.facts;
  console.log(`case ${x.caseId} (row ${x.row + 1}): ${x.drg === '0000' ? `0000 — ${x.reason}` : `${x.mdc} / ${x.adrg} / ${x.drg}`}`);
  console.log(`  principal dx ${f.principalDx ? `${f.principalDx.code} ${f.principalDx.name}` : '—'}; secondary ${f.secondaryDx.map((d) => d.code).join(', ') || '—'}`);
  console.log(`  principal proc ${f.principalProc ? `${f.principalProc.code} ${f.principalProc.name}` : '—'}; others ${f.otherProcs.map((p) => p.code).join(', ') || '—'}`);
  console.log(`  age ${f.ageYears} y, sex ${f.sex}, LOS ${f.los}, discharge status ${f.dischargeStatus}\n`);
  let n = 0;
  for (const r of x.records) {
    if (r.step === 'input') continue;
    n++;
    const leaves = Array.isArray(r.detail.leaves) ? (r.detail.leaves as Leaf[]) : [];
    const why = leaves
      .map((l) => `${l.test}${l.field ? ` ${l.field}` : ''}${l.value !== undefined ? ` ${JSON.stringify(l.value)}` : ''}${l.list ? ` ∈ ${l.list}` : ''}${l.matched ? ` (${l.matched})` : ''} → ${l.result ? 'yes' : 'no'}`)
      .join('; ');
    const sev = r.step === 'severity' && r.rule ? ` [exclusion table ${r.detail.exclusion_table ?? '—'} vs principal ${r.detail.principal_exclusion_table ?? '—'}]` : '';
    console.log(`${String(n).padStart(3)}. ${r.step.padEnd(9)} ${(r.rule || r.subject).padEnd(16)} ${r.outcome.padEnd(9)} ${r.reason}${sev}${why ? `: ${why}` : ''}`);
  }
  return 0;
}

async function check(casesPath: string, rulesetPath: string | undefined, out: string | undefined): Promise<number> {
  const ready = await engineWith(casesPath, rulesetPath);
  if (!ready) return 1;
  const report = ready.engine.qualityReport();
  if (!report.ok) return printErrors(report.errors), 1;
  const r = report.value;
  console.log(`${basename(casesPath)}: ${formatCount(r.rows, LOCALE)} cases checked against ${ready.rules.name}`);
  if (!r.findings.length) console.log('no problems found');
  else {
    console.log(textTable(['rule', 'column', 'cases'], r.findings.map((f) => [f.rule, f.column, formatCount(f.count, LOCALE)]), new Set([2])));
    for (const f of r.findings) {
      const rows = ready.engine.qualityRows(f.rule, 0, 3);
      if (rows.ok) console.log(`  ${f.rule}: ${rows.value.rows.map((x) => `row ${x.row + 1} ${x.caseId} (${x.value})`).join('; ')}`);
    }
  }
  if (out) {
    const csv = ready.engine.exportQualityCsv();
    if (!csv.ok) return printErrors(csv.errors), 1;
    writeUserFile(out, csv.value);
    console.log(`wrote ${out}`);
  }
  return 0;
}

function rulesetCheck(path: string): number {
  const bytes = readInput(path);
  if (!bytes) return 1;
  const r = prepareRulesetText(new TextDecoder().decode(bytes), basename(path));
  if (!r.ok) {
    printErrors(r.errors);
    console.error(`${r.errors.length} problem(s): the ruleset is refused`);
    return 1;
  }
  const i = r.value.info;
  console.log(`${basename(path)}: OK — ${i.name} (version ${i.version}${i.region ? `, ${i.region}` : ''})${i.teachingOnly ? ', teaching only' : ''}`);
  console.log(`${i.mdcs} MDCs, ${i.adrgs} ADRGs, ${i.drgs} DRGs, ${formatCount(i.dxCodes, LOCALE)} diagnosis and ${formatCount(i.procCodes, LOCALE)} procedure codes; compiled tables ${formatCount(i.tableBytes, LOCALE)} bytes in ${i.compileMs.toFixed(0)} ms`);
  // Dead rows are kept and grouped as published: listed, never refusing the ruleset.
  for (const w of i.warnings) console.log(`warning [${String(w.params?.code ?? w.code)}]: ${w.message}`);
  if (i.warnings.length) console.log(`${i.warnings.length} warning(s)`);
  return 0;
}

function rulesetImportCsv(dir: string, out: string): number {
  let result;
  try {
    result = importCsvDir(dir);
  } catch (e) {
    console.error(`error [file.read]: ${dir}: ${fileReason(e)}`);
    return 1;
  }
  const where = (p: { where: { table: string; row?: string | number; field?: string } }) =>
    `${p.where.table}${p.where.row !== undefined ? `:${p.where.row}` : ''}${p.where.field ? ` ${p.where.field}` : ''}`;
  for (const w of result.warnings) console.error(`warning [${w.code}]: ${where(w)}: ${w.message}`);
  if (!result.ruleset) {
    for (const p of result.problems) console.error(`error [${p.code}]: ${where(p)}: ${p.message}`);
    console.error(`${result.problems.length} problem(s): nothing written`);
    return 1;
  }
  console.log(`tables: ${result.tables.map((t) => `${t.file} → ${t.table}`).join(', ')}`);
  writeUserFile(out, JSON.stringify(result.ruleset));
  console.log(`wrote ${out}`);
  return rulesetCheck(out);
}

function rulesetImportChs(path: string, out: string, weights?: string): number {
  const bytes = readInput(path);
  if (!bytes) return 1;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    console.error(`error [ruleset.bad_json]: ${path}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  const imported = importChsRules(json as never, { name: basename(path).replace(/\.json$/i, '') });
  if (!imported.ruleset) {
    for (const p of imported.problems) {
      console.error(`error [${p.code}]: ${p.where.table}${p.where.row !== undefined ? `[${p.where.row}]` : ''}${p.where.field ? ` ${p.where.field}` : ''}: ${p.message}`);
    }
    console.error(`${imported.problems.length} problem(s): nothing written`);
    return 1;
  }
  // Regions publish the weight table apart from the rules (--weights).
  const ruleset = weights === undefined ? imported.ruleset : withWeightTable(imported.ruleset, weights);
  if (!ruleset) return 1;
  writeUserFile(out, JSON.stringify(ruleset));
  console.log(`wrote ${out}: ${imported.ruleset.mdcs.length} MDCs, ${imported.ruleset.adrgs.length} ADRGs, ${imported.ruleset.drgs.length} DRGs`);
  // The check of the written file lists its dead rows; what only the import saw (unused names) is listed here.
  for (const w of imported.warnings.filter((p) => p.code === 'names.unused')) console.log(`warning [${w.code}]: ${w.where.table}[${String(w.where.row)}]: ${w.message}`);
  return rulesetCheck(out);
}

/** A flag left over once the known ones are taken (unknown, or known but without its value) is a UserError. */
function rejectOptions(command: string, left: readonly string[], known: readonly string[]): void {
  const bad = left.find((a) => a.startsWith('--'));
  if (bad === undefined) return;
  throw new UserError('cli.option', known.includes(bad)
    ? `casemix ${command}: ${bad} needs a value`
    : `casemix ${command}: unknown option ${bad} (casemix help lists the options)`);
}

/** Input files are checked before the engine starts, so a typo costs one line and no waiting. */
function checkInput(path: string | undefined, what: string): void {
  if (path === undefined) return;
  if (!existsSync(path)) throw new UserError('file.read', `${what} ${path}: no such file`);
  if (statSync(path).isDirectory()) throw new UserError('file.read', `${what} ${path}: this is a folder, not a file`);
}

/** The cases, ruleset, scenario and output paths of a command that groups; throws UserError on the first bad one. */
function checkPaths(cases: string, ruleset: string | undefined, out: string | undefined, scenario?: string): void {
  checkInput(cases, 'cases file');
  checkInput(ruleset, '--ruleset');
  checkInput(scenario, '--scenario');
  if (out !== undefined) checkOutPath(out);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      rejectOptions(command, rest, []);
      if (rest.length !== 1) break;
      checkInput(rest[0], 'case file');
      return info(rest[0]);
    case 'import': {
      const [out, files] = option(rest, '--out');
      rejectOptions(command, files, ['--out']);
      if (files.length !== 1 || !out) break;
      checkInput(files[0], 'CSV file');
      checkOutPath(out);
      return importCsv(files[0], out);
    }
    case 'generate': {
      let args = rest;
      const flag = (name: string) => { const had = args.includes(name); args = args.filter((a) => a !== name); return had; };
      const compact = flag('--compact');
      const stream = flag('--stream');
      const values: Record<string, string | undefined> = {};
      for (const name of ['--cases', '--seed', '--hospitals', '--years', '--anomaly-rate', '--quality-error-rate', '--out']) {
        [values[name], args] = option(args, name);
      }
      rejectOptions(command, args, ['--cases', '--seed', '--hospitals', '--years', '--anomaly-rate', '--quality-error-rate', '--out']);
      if (args.length || !values['--cases'] || !values['--out']) break;
      checkOutPath(values['--out']);
      const num = (name: string) => (values[name] === undefined ? undefined : Number(values[name]));
      try {
        await generateCommand({
          cases: num('--cases')!, seed: num('--seed') ?? 1, hospitals: num('--hospitals'), years: num('--years'),
          anomalyRate: num('--anomaly-rate'), qualityErrorRate: num('--quality-error-rate'), compact,
          format: stream ? 'stream' : 'file', out: values['--out']!,
        });
        return 0;
      } catch (e) {
        // A bad --cases or --seed is the user's; anything else reaches the top (a file error or a bug).
        if (!(e instanceof Error && e.message.startsWith('--'))) throw e;
        console.error(`error [generate]: ${e.message}`);
        return 1;
      }
    }
    case 'check': {
      const [ruleset, a] = option(rest, '--ruleset');
      const [out, files] = option(a, '--out');
      rejectOptions(command, files, ['--ruleset', '--out']);
      if (files.length !== 1) break;
      checkPaths(files[0], ruleset, out);
      return check(files[0], ruleset, out);
    }
    case 'group': {
      const [ruleset, a] = option(rest, '--ruleset');
      const [out, files] = option(a, '--out');
      rejectOptions(command, files, ['--ruleset', '--out']);
      if (files.length !== 1) break;
      checkPaths(files[0], ruleset, out);
      return group(files[0], ruleset, out);
    }
    case 'price': {
      const [ruleset, a] = option(rest, '--ruleset');
      const [scenario, b] = option(a, '--scenario');
      const [out, files] = option(b, '--out');
      rejectOptions(command, files, ['--ruleset', '--scenario', '--out']);
      if (files.length !== 1) break;
      checkPaths(files[0], ruleset, out, scenario);
      const ready = await engineWith(files[0], ruleset);
      if (!ready) return 1;
      return priceCommand(ready.engine, { scenarioPath: scenario, out });
    }
    case 'evaluate': {
      const parsed = parseEvaluateOptions(rest);
      if (typeof parsed === 'string') {
        console.error(`error [cli.option]: casemix evaluate: ${parsed}`);
        return 1;
      }
      checkPaths(parsed.cases, parsed.ruleset, parsed.args.out);
      checkInput(parsed.args.benchmark, '--benchmark');
      const ready = await engineWith(parsed.cases, parsed.ruleset);
      if (!ready) return 1;
      return evaluateCommand(ready.engine, parsed.args);
    }
    case 'explain': {
      const [ruleset, a] = option(rest, '--ruleset');
      const [id, files] = option(a, '--case');
      rejectOptions(command, files, ['--ruleset', '--case']);
      if (files.length !== 1 || !id) break;
      checkPaths(files[0], ruleset, undefined);
      return explain(files[0], id, ruleset);
    }
    case 'ruleset': {
      const [sub, ...args] = rest;
      if (sub === 'check') {
        rejectOptions('ruleset check', args, []);
        if (args.length === 1) return checkInput(args[0], 'ruleset'), rulesetCheck(args[0]);
      }
      if (sub === 'import') {
        const [out, dirs] = option(args, '--out');
        rejectOptions('ruleset import', dirs, ['--out']);
        if (dirs.length === 1 && out) return checkOutPath(out), rulesetImportCsv(dirs[0], out);
      }
      if (sub === 'import-chs') {
        const [weights, a] = option(args, '--weights');
        const [out, files] = option(a, '--out');
        rejectOptions('ruleset import-chs', files, ['--weights', '--out']);
        if (files.length === 1 && out) {
          checkInput(files[0], 'CHS rules file');
          checkInput(weights, '--weights');
          checkOutPath(out);
          return rulesetImportChs(files[0], out, weights);
        }
      }
      break;
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

// A closed pipe (`casemix explain … | head`) ends the output quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // A user's mistake is one line; anything else is a bug and keeps its stack (reportUncaught says which).
  console.error(reportUncaught(e));
  process.exitCode = 1;
}
