// `casemix price`: §3 DRG and §4 DIP payment of a case file under the ruleset's defaults or a scenario file,
// a printed summary (fund, hospitals, margins, outliers) and optionally the per-case payment columns.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { EngineError } from '../shared/errors.ts';
import type { MethodResult, PaymentComparison, PaymentTotals } from '../engine/engine-pricing.ts';
import { allocPricingRows, PRICING_ROW_COLUMNS } from '../engine/pricing-layout.ts';
import { exportColumns, type ExportColumn } from '../data/table-export.ts';
import { formatCount, formatYuan } from '../i18n/number-format.ts';
import { baseScenario, parseScenario, type Scenario } from '../scenario/scenario.ts';
import { textTable } from './text-table.ts';
import { fileReason, writeUserFile } from './cli-errors.ts';

const LOCALE = 'en-US';
/** In FLAG order (pricing-layout.ts): 0 normal, 1 high, 2 low, 3 unpriced. */
const FLAG_NAMES = ['normal', 'high', 'low', 'unpriced'] as const;

export interface PriceOptions {
  scenarioPath?: string;
  out?: string;
  log?: (line: string) => void;
  error?: (errors: EngineError[]) => void;
}

/** Prices the loaded cases; returns the exit code. */
export function priceCommand(engine: Engine, options: PriceOptions): number {
  const log = options.log ?? ((line: string) => console.log(line));
  const error = options.error ?? ((errors: EngineError[]) => errors.forEach((e) => console.error(`error [${e.code}]: ${e.message}`)));
  const ctx = engine.scenarioContext();
  if (!ctx.ok) return error(ctx.errors), 1;
  const base = baseScenario(ctx.value, 'base');
  let scenario: Scenario = base;
  if (options.scenarioPath) {
    let text: string;
    try {
      text = readFileSync(options.scenarioPath, 'utf8');
    } catch (e) {
      return error([{ code: 'file.read', message: `--scenario ${options.scenarioPath}: ${fileReason(e)}`, params: { file: options.scenarioPath, detail: fileReason(e) }, where: { file: options.scenarioPath } }]), 1;
    }
    const read = parseScenario(text, basename(options.scenarioPath), ctx.value);
    if (!read.ok) return error(read.problems.map((p) => ({ code: p.code, message: p.message, params: p.params, where: { file: p.where.file, field: p.where.field } }))), 1;
    scenario = read.scenario;
  }
  const t0 = performance.now();
  const compared = engine.compareScenarios(base, scenario);
  if (!compared.ok) return error(compared.errors), 1;
  const ms = performance.now() - t0;
  printSummary(compared.value, options.scenarioPath ? basename(options.scenarioPath) : null, log);
  log(`time: pricing base and scenario ${ms.toFixed(0)} ms`);

  if (options.out) {
    const info = engine.caseFileInfo()!;
    const columns = perCaseColumns(engine, scenario, info.rows);
    if (!columns.ok) return error(columns.errors), 1;
    writeUserFile(options.out, exportColumns(columns.value, options.out.toLowerCase().endsWith('.csv') ? 'csv' : 'arrow'));
    log(`wrote ${options.out}: ${formatCount(info.rows, LOCALE)} cases`);
  }
  return 0;
}

function printSummary(c: PaymentComparison, scenarioName: string | null, log: (line: string) => void): void {
  const yuan = (v: number) => formatYuan(v, LOCALE);
  const r = c.resolved.whatIf;
  log(`DRG base rate (yuan) level 1/2/3: ${[1, 2, 3].map((l) => yuan(r.drgRateYuan[l]!)).join(' / ')}   DIP point value: ${yuan(r.dipPointValueYuan)}`);
  for (const [name, m] of [['DRG', c.drg], ['DIP', c.dip]] as const) {
    log('');
    log(`${name} payment — ${formatCount(m.cases, LOCALE)} cases, cost ${yuan(m.costYuan)} yuan${scenarioName ? ` (scenario ${scenarioName} vs ruleset defaults)` : ''}`);
    log(totalsTable(m, scenarioName !== null));
    log('');
    log(hospitalTable(m));
  }
}

function totalsTable(m: MethodResult, withBase: boolean): string {
  const yuan = (v: number) => formatYuan(v, LOCALE);
  const rows: [string, (t: PaymentTotals) => number, boolean][] = [
    ['fund expenditure 医保基金支出', (t) => t.fundYuan, true],
    ['hospital revenue 医院收入', (t) => t.revenueYuan, true],
    ['hospital margin 医保盈亏', (t) => t.marginYuan, true],
    ['patient burden 个人负担', (t) => t.patientYuan, true],
    ['high-cost cases 高倍率', (t) => t.high, false],
    ['low-cost cases 低倍率', (t) => t.low, false],
    ['unpriced (paid by item) 未定价', (t) => t.unpriced, false],
    ['special review ≥ 2× 专项审核', (t) => t.review, false],
  ];
  const cell = (v: number, money: boolean) => (money ? yuan(v) : formatCount(v, LOCALE));
  const header = withBase ? ['', 'ruleset defaults', 'scenario', 'change'] : ['', 'value'];
  return textTable(header, rows.map(([label, get, money]) => (withBase
    ? [label, cell(get(m.base), money), cell(get(m.whatIf), money), cell(get(m.whatIf) - get(m.base), money)]
    : [label, cell(get(m.whatIf), money)])), new Set([1, 2, 3]));
}

function hospitalTable(m: MethodResult): string {
  const h = m.hospitals;
  const yuan = (v: number) => formatYuan(v, LOCALE);
  return textTable(['hospital', 'cases', 'cost', 'payment', 'margin', 'high', 'low'], h.codes.map((code, i) => [
    code, formatCount(h.cases[i]!, LOCALE), yuan(h.costYuan[i]!), yuan(h.whatIf.paymentYuan[i]!),
    yuan(h.whatIf.paymentYuan[i]! - h.costYuan[i]!), formatCount(h.whatIf.high[i]!, LOCALE), formatCount(h.whatIf.low[i]!, LOCALE),
  ]), new Set([1, 2, 3, 4, 5, 6]));
}

/** case_id and the per-case §3/§4 columns, priced in slices so the core's temporaries stay small. */
function perCaseColumns(engine: Engine, scenario: Scenario, n: number) {
  const all = allocPricingRows(n);
  const priced = engine.pricedSlices(scenario, (first, rows) => {
    for (const k of PRICING_ROW_COLUMNS) all[k].set(rows[k], first);
  });
  if (!priced.ok) return priced;
  const { compiled, out } = engine.groupingOutput();
  const money = (name: string, values: Float64Array): ExportColumn => ({ name, kind: 'float', values, decimals: 2 });
  const flags = (a: Uint8Array) => Array.from(a, (f) => FLAG_NAMES[f] ?? 'normal');
  const dipGroups = engine.analysisColumns();
  const dipIds = engine.core.i32(dipGroups.grouped.dipGroup, n);
  const columns: ExportColumn[] = [
    { name: 'case_id', kind: 'text', values: engine.caseIds() },
    { name: 'drg', kind: 'text', values: Array.from(out.drg, (id) => (id >= 0 ? compiled.strings.drgCodes[id]! : '0000')) },
    money('drg_standard_yuan', all.drgStandardYuan),
    money('drg_payment_yuan', all.drgPaymentYuan),
    { name: 'drg_outlier', kind: 'text', values: flags(all.drgOutlier) },
    { name: 'special_review', kind: 'int', values: Int32Array.from(all.specialReview) },
    money('drg_fund_yuan', all.drgFundYuan),
    money('drg_patient_yuan', all.drgPatientYuan),
    { name: 'dip_group', kind: 'text', values: Array.from(dipIds, (id) => (id >= 0 ? compiled.strings.dipGroupCodes[id]! : '')) },
    { name: 'dip_case_score', kind: 'float', values: all.dipCaseScore, decimals: 4 },
    money('dip_payment_yuan', all.dipPaymentYuan),
    { name: 'dip_deviation', kind: 'text', values: flags(all.dipDeviation) },
    money('dip_fund_yuan', all.dipFundYuan),
    money('dip_patient_yuan', all.dipPatientYuan),
  ];
  return { ok: true as const, value: columns };
}
