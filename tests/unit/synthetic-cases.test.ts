// The synthetic case generator (Case data issue): determinism, §1 schema, grouping under the demo ruleset,
// planted anomalies that really are what their ground-truth columns say (§9, §11), and its inverse-CDF draws.
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ANOMALY_KINDS, CaseGenerator, COST_COMPONENTS, GT_THRESHOLDS, QUALITY_ERROR_KINDS } from '../../src/demo/synthetic-cases.ts';
import { normalQuantile, quantile, quantileTable } from '../../src/demo/synthetic-draws.ts';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import type { Engine } from '../../src/engine/engine.ts';

const CASES = 40_000;
const OPTIONS = { cases: CASES, seed: 7, batchSize: 8192, anomalyRate: 0.02, qualityErrorRate: 0.005 };

describe('synthetic cases', () => {
  let bytes: Uint8Array;
  let table: Table;
  let engine: Engine;
  const col = <T>(name: string) => table.getChild(name)!.toArray() as unknown as T;
  /** date32 columns as day numbers (Arrow hands dates out as epoch milliseconds). */
  const days = (name: string) => Array.from(table.getChild(name)!, (v) => Math.round(Number(v) / 86_400_000));
  const strings = (name: string) => Array.from(table.getChild(name)!, (v) => (v === null ? null : String(v)));

  beforeAll(async () => {
    bytes = new CaseGenerator(OPTIONS).toUint8Array();
    table = tableFromIPC(bytes);
    engine = await createNodeEngine();
    expect(engine.loadRulesetText(JSON.stringify(buildDemoRuleset()), 'demo.json').ok).toBe(true);
    const loaded = engine.loadCases(bytes, 'g.arrow');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  }, 60_000);

  it('same seed, same bytes; another seed, other bytes', () => {
    const small = { cases: 3000, seed: 11, batchSize: 1000 };
    const a = new CaseGenerator(small).toUint8Array();
    const b = new CaseGenerator(small).toUint8Array();
    const c = new CaseGenerator({ ...small, seed: 12 }).toUint8Array();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    // The stream format carries the same rows.
    expect(tableFromIPC(new CaseGenerator(small).toUint8Array('stream')).numRows).toBe(3000);
  });

  it('§1 schema: the engine reads the file; hospitals of levels 2 and 3, two years, repeat patients', () => {
    expect(table.numRows).toBe(CASES);
    expect(table.batches.length).toBe(Math.ceil(CASES / OPTIONS.batchSize));
    const levels = new Set(col<Int8Array>('hospital_level'));
    expect([...levels].sort()).toEqual([2, 3]);
    const kinds = strings('gt_anomaly');
    // Discharge years (a planted discharge-before-admission may fall just before the window).
    const years = new Set(days('discharge_date').filter((_, i) => kinds[i] !== 'quality_error').map((d) => new Date(d * 86_400_000).getUTCFullYear()));
    expect([...years].sort()).toEqual([2023, 2024]);
    const patients = new Set(strings('patient_id'));
    expect(patients.size).toBeLessThan(CASES * 0.95);
    expect(new Set(strings('physician')).size).toBeGreaterThan(50);
  });

  it('§2 grouping under the demo ruleset: high grouping rate, few ambiguity-group cases', () => {
    const s = engine.groupingSummary();
    if (!s.ok) throw new Error('no summary');
    expect(s.value.groupingRate).toBeGreaterThanOrEqual(0.95);
    expect(s.value.ambiguousCases / s.value.totalCases).toBeLessThanOrEqual(0.02);
  });

  it('cases land in the DRG they were generated for', () => {
    const { compiled, out } = engine.groupingOutput();
    const gt = strings('gt_drg');
    let checked = 0, same = 0;
    for (let i = 0; i < CASES; i++) {
      if (gt[i] === null) continue;
      checked++;
      if (out.drg[i] >= 0 && compiled.strings.drgCodes[out.drg[i]] === gt[i]) same++;
    }
    expect(checked).toBeGreaterThan(CASES * 0.99);
    expect(same / checked).toBeGreaterThanOrEqual(0.999);
  });

  it('planted anomalies come at about the configured rates', () => {
    const kinds = strings('gt_anomaly');
    const count = (k: string) => kinds.filter((x) => x === k).length;
    for (const k of kinds) expect(ANOMALY_KINDS).toContain(k);
    const anomalies = CASES - count('none') - count('quality_error');
    expect(anomalies / CASES).toBeGreaterThan(0.02 * 0.6);
    expect(anomalies / CASES).toBeLessThan(0.02 * 1.4);
    expect(count('quality_error') / CASES).toBeGreaterThan(0.005 * 0.6);
    expect(count('quality_error') / CASES).toBeLessThan(0.005 * 1.4);
    for (const k of ANOMALY_KINDS) if (k !== 'none') expect(count(k)).toBeGreaterThan(0);
  });

  it('§9.1 split admissions: same patient, ≤ 15 days after a discharge, same ADRG, not chemotherapy', () => {
    const { out } = engine.groupingOutput();
    const kinds = strings('gt_anomaly'), related = strings('gt_related_case'), ids = strings('case_id'), pids = strings('patient_id');
    const pdx = strings('principal_dx');
    const admit = days('admit_date'), discharge = days('discharge_date');
    const row = new Map<string, number>();
    ids.forEach((id, i) => { if (!row.has(id!)) row.set(id!, i); });
    let n = 0;
    for (let i = 0; i < CASES; i++) {
      if (kinds[i] !== 'split_admission') continue;
      const j = row.get(related[i]!)!;
      expect(j).toBeDefined();
      expect(pids[j]).toBe(pids[i]);
      const gap = admit[i] - discharge[j];
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(GT_THRESHOLDS.splitMaxDays);
      expect(out.adrg[i]).toBe(out.adrg[j]);
      expect(pdx[i]!.startsWith('Z51')).toBe(false);
      n++;
    }
    expect(n).toBeGreaterThan(50);
  });

  it('§9.2–9.4 upcoded MCCs, low-standard admissions and cost outliers match their definitions', () => {
    const { compiled, out } = engine.groupingOutput();
    const drgCodes = compiled.strings.drgCodes;
    const mean = new Map(buildDemoRuleset().drgs.map((d) => [d.code, d.mean_cost!]));
    const kinds = strings('gt_anomaly'), gtDrg = strings('gt_drg'), detail = strings('gt_detail');
    const total = col<Float64Array>('total_cost'), los = col<Int32Array>('los'), status = col<Int8Array>('discharge_status');
    for (let i = 0; i < CASES; i++) {
      const k = kinds[i];
      if (k === 'quality_error') continue;
      const r = total[i] / mean.get(gtDrg[i]!)!;
      if (k === 'high_cost_outlier') expect(r).toBeGreaterThan(GT_THRESHOLDS.highCostRatio);
      else if (k === 'low_cost_outlier') expect(r).toBeLessThan(GT_THRESHOLDS.lowCostRatio);
      else if (k === 'low_standard_admission') {
        expect(los[i]).toBeLessThanOrEqual(2);
        expect(r).toBeLessThan(0.3);
        expect(status[i]).toBe(1);
        expect(compiled.tables.adrgKind[out.adrg[i]]).toBe(2); // medical
      } else if (k === 'upcoded_mcc') {
        expect(out.severity[i]).toBe(1);
        const costDrg = detail[i]!.replace('cost_of:', '');
        expect(costDrg.slice(0, 3)).toBe(drgCodes[out.drg[i]].slice(0, 3));
        expect(costDrg).not.toBe(drgCodes[out.drg[i]]);
        expect(total[i] / mean.get(costDrg)!).toBeLessThan(GT_THRESHOLDS.highCostRatio);
      } else {
        // Unplanted cases never cross the outlier thresholds of the ground truth.
        expect(r).toBeGreaterThanOrEqual(GT_THRESHOLDS.lowCostRatio);
        expect(r).toBeLessThanOrEqual(GT_THRESHOLDS.highCostRatio);
      }
    }
  });

  it('§11 every planted data-quality error is flagged by the quality report, and clean rows are not', () => {
    const kinds = strings('gt_anomaly'), detail = strings('gt_detail'), ids = strings('case_id');
    const report = engine.qualityRows(null, 0, Number.MAX_SAFE_INTEGER);
    if (!report.ok) throw new Error('no quality report');
    const flagged = new Map<number, Set<string>>();
    for (const r of report.value.rows) { const s = flagged.get(r.row) ?? new Set(); s.add(r.rule); flagged.set(r.row, s); }
    const duplicated = new Set<string>();
    for (let i = 0; i < CASES; i++) {
      if (kinds[i] !== 'quality_error') continue;
      expect(QUALITY_ERROR_KINDS).toContain(detail[i]);
      expect(flagged.get(i)?.has(detail[i]!)).toBe(true);
      if (detail[i] === 'duplicate_case_id') duplicated.add(ids[i]!);
    }
    for (const [row, rules] of flagged) {
      if (kinds[row] === 'quality_error') continue;
      // The only clean rows flagged are the originals a planted duplicate copies.
      expect([...rules]).toEqual(['duplicate_case_id']);
      expect(duplicated.has(ids[row]!)).toBe(true);
    }
  });

  it('cost components sum to the total (to the cent) except planted mismatches', () => {
    const total = col<Float64Array>('total_cost');
    const comps = COST_COMPONENTS.map((c) => col<Float64Array>(c));
    const detail = strings('gt_detail');
    for (let i = 0; i < CASES; i++) {
      let sum = 0;
      for (const c of comps) sum += c[i];
      if (detail[i] === 'cost_components_mismatch') expect(Math.abs(sum - total[i])).toBeGreaterThan(0.01 * total[i]);
      else expect(Math.abs(sum - total[i])).toBeLessThan(0.005);
    }
  });

  it('ages and sexes fit the diagnosis; newborns carry age in days and birth weight', () => {
    const pdx = strings('principal_dx'), sex = strings('sex'), kinds = strings('gt_anomaly');
    const age = col<Int16Array>('age_years');
    const ageDays = Array.from(table.getChild('age_days')!), bw = Array.from(table.getChild('birth_weight_g')!);
    for (let i = 0; i < CASES; i++) {
      if (kinds[i] === 'quality_error') continue;
      const code = pdx[i]!;
      if (code.startsWith('O')) { expect(sex[i]).toBe('F'); expect(age[i]).toBeGreaterThanOrEqual(15); expect(age[i]).toBeLessThanOrEqual(50); }
      if (code.startsWith('P')) { expect(age[i]).toBe(0); expect(ageDays[i]).toBeLessThanOrEqual(28); expect(bw[i]).toBeGreaterThan(0); }
      if (code.startsWith('N40') || code.startsWith('C61')) expect(sex[i]).toBe('M');
    }
  });

  it('normal draws by table: Φ⁻¹ to 1e-8, and a table interpolated to mean 0, variance 1', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalQuantile(0.5)).toBe(0);
    const table = quantileTable((z) => z);
    let sum = 0, squares = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) { const z = quantile(table, (i + 0.5) / n); sum += z; squares += z * z; }
    expect(Math.abs(sum / n)).toBeLessThan(1e-3);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.01);
  });

  it('compact files (the demo) keep whole-yuan components that sum exactly', () => {
    const t = tableFromIPC(new CaseGenerator({ cases: 2000, seed: 3, compact: true }).toUint8Array());
    expect(t.getChild('fund_paid')).toBeNull();
    const total = t.getChild('total_cost')!.toArray() as Float64Array;
    const comps = COST_COMPONENTS.map((c) => t.getChild(c)!.toArray() as Int32Array);
    const detail = Array.from(t.getChild('gt_detail')!);
    for (let i = 0; i < t.numRows; i++) {
      if (detail[i] === 'cost_components_mismatch') continue;
      expect(comps.reduce((s, c) => s + c[i], 0)).toBe(total[i]);
    }
  });
});
