// §5 evaluation kernel: the Wasm passes (per DRG, slice ids, per-slice sums) against the TypeScript reference
// on seeded random cases — ids and counts identical, sums bit for bit — for every level, period kind and filter;
// period codes of days; the whole evaluation table identical through either set of kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/demo/demo-cases.ts';
import type { AnalysisColumns } from '../../src/engine/case-columns.ts';
import type { UnitLevel } from '../../src/evaluation/unit-levels.ts';
import { evaluate, evaluateWith, type AnalysisInput, type EvaluationRequest } from '../../src/engine/engine-evaluation.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { ReferenceEvaluationKernels } from '../../src/engine/reference/evaluation.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmEvaluationKernels } from '../../src/engine/wasm-evaluation.ts';
import { LEVEL_CODE, type DrgTables, type EvalCaseArrays, type SliceParams } from '../../src/evaluation/evaluation-layout.ts';
import { PERIOD_KIND_CODE, PERIOD_KINDS, periodCodeReference, periodLabel } from '../../src/evaluation/periods.ts';
import { SEED_COMPOSITE } from '../../src/scenario/composite-presets.ts';

let core: WasmCore;
beforeAll(async () => {
  core = new WasmCore(await loadCoreModule());
});

const DAY_2019 = Date.UTC(2019, 0, 1) / 86_400_000;

const SIZES = { hospitals: 6, departments: 25, wards: 60, physicians: 400, drgs: 300 };
type Sizes = typeof SIZES;

/** Random cases as grouping leaves them: missing ids, ungrouped cases, ids past the tables, deaths, 5 years. */
function randomCases(n: number, seed: number, sizes: Sizes = SIZES): EvalCaseArrays {
  const r = seededRandom(seed);
  const id = (k: number, missing: number) => (r() < missing ? -1 : Math.floor(r() * r() * k));
  const c: EvalCaseArrays = {
    n,
    hospital: new Int32Array(n), department: new Int32Array(n), ward: new Int32Array(n), physician: new Int32Array(n),
    dischargeDay: new Int32Array(n), los: new Int32Array(n), totalCost: new Float64Array(n), dischargeStatus: new Int32Array(n), drg: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    c.hospital[i] = id(sizes.hospitals, 0.002);
    c.department[i] = id(sizes.departments, 0.003);
    c.ward[i] = id(sizes.wards, 0.1);
    c.physician[i] = id(sizes.physicians, 0.05);
    c.dischargeDay[i] = DAY_2019 + Math.floor(r() * 5 * 365.25);
    c.los[i] = 1 + Math.floor(r() * r() * 40);
    c.totalCost[i] = Math.round(500 + 80_000 * r() * r() * r()) + Math.round(r() * 100) / 100;
    c.dischargeStatus[i] = r() < 0.02 ? 5 : 1 + Math.floor(r() * 4);
    const g = Math.floor(r() * r() * sizes.drgs);
    c.drg[i] = r() < 0.04 ? -1 : r() < 0.001 ? sizes.drgs + 3 : g;
  }
  return c;
}

function randomTables(nDrg: number, seed: number): DrgTables {
  const r = seededRandom(seed);
  return {
    weight: Float64Array.from({ length: nDrg }, (_, g) => (g % 41 === 7 ? 0 : Math.round((0.2 + 4 * r() * r()) * 10000) / 10000)),
    refLosDays: Float64Array.from({ length: nDrg }, (_, g) => (g % 17 === 3 ? 0 : 2 + 15 * r())),
    refCostYuan: Float64Array.from({ length: nDrg }, (_, g) => (g % 23 === 5 ? 0 : 3000 + 40_000 * r())),
    riskClass: Int32Array.from({ length: nDrg }, (_, g) => (g % 31 === 11 ? -1 : Math.floor(r() * 5))),
  };
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const NO_FILTER = { hospital: -1, department: -1, ward: -1, physician: -1 };
const LEVEL_SIZE = ['hospitals', 'departments', 'wards', 'physicians'] as const;

/** Kernel parameters for a level and period kind; label counts from the sizes the cases were drawn with. */
function sp(level: number, period: number, filter: Partial<SliceParams['filter']> = {}, sizes: Sizes = SIZES): SliceParams {
  return { level, period, filter: { ...NO_FILTER, ...filter }, nHospitals: sizes.hospitals, nUnits: sizes[LEVEL_SIZE[level]!] };
}

function compareKernels(cases: EvalCaseArrays, params: SliceParams[], nDrg: number): void {
  const wasm = WasmEvaluationKernels.placed(core, cases);
  const ref = new ReferenceEvaluationKernels(cases);
  try {
    expect(sameBytes(wasm.drgSums(nDrg), ref.drgSums(nDrg))).toBe(true);
    const tables = randomTables(nDrg, 99);
    for (const p of params) {
      const a = wasm.sliceIds(p), b = ref.sliceIds(p);
      const what = JSON.stringify(p);
      expect(a.count, what).toBe(b.count);
      expect([a.matched, a.unassigned], what).toEqual([b.matched, b.unassigned]);
      expect(sameBytes(a.keys, b.keys), what).toBe(true);
      expect(sameBytes(wasm.caseSlices(), ref.caseSlices()), what).toBe(true);
      expect(sameBytes(wasm.sliceSums(tables), ref.sliceSums(tables)), what).toBe(true);
    }
  } finally {
    wasm.release();
    ref.release();
  }
}

describe('§5 evaluation kernel: Wasm = reference', () => {
  it('per-DRG sums, slice ids and per-slice sums agree bit for bit for every level and period kind (120,000 cases)', () => {
    const cases = randomCases(120_000, 7);
    const params: SliceParams[] = [];
    for (const level of Object.values(LEVEL_CODE)) for (const period of Object.values(PERIOD_KIND_CODE)) params.push(sp(level, period));
    compareKernels(cases, params, 300);
  });

  it('parent filters narrow the cases alike; a filter matching nothing gives no slice', () => {
    const cases = randomCases(40_000, 8);
    compareKernels(cases, [
      sp(LEVEL_CODE.department, PERIOD_KIND_CODE.year, { hospital: 1 }),
      sp(LEVEL_CODE.physician, PERIOD_KIND_CODE.quarter, { hospital: 0, department: 2 }),
      sp(LEVEL_CODE.ward, PERIOD_KIND_CODE.month, { department: 0, ward: 1 }),
      sp(LEVEL_CODE.hospital, PERIOD_KIND_CODE.all, { physician: 5 }),
      sp(LEVEL_CODE.department, PERIOD_KIND_CODE.all, { hospital: 999 }),
    ], 300);
    const ref = new ReferenceEvaluationKernels(cases);
    expect(ref.sliceIds(sp(1, 0, { hospital: 999 }))).toMatchObject({ count: 0, matched: 0, unassigned: 0 });
  });

  it('ids at or past the label counts count as missing; days too far apart for a day table are computed per case', () => {
    const cases = randomCases(30_000, 10);
    for (let i = 0; i < 30_000; i += 97) cases.department[i] = SIZES.departments + (i % 3);
    cases.dischargeDay[5] = Date.UTC(1700, 0, 1) / 86_400_000;
    cases.dischargeDay[6] = Date.UTC(2300, 6, 1) / 86_400_000;
    compareKernels(cases, [sp(LEVEL_CODE.department, PERIOD_KIND_CODE.month), sp(LEVEL_CODE.department, PERIOD_KIND_CODE.half, { hospital: 2 })], 300);
    const ref = new ReferenceEvaluationKernels(cases);
    const withRoom = ref.sliceIds(sp(LEVEL_CODE.department, PERIOD_KIND_CODE.all));
    const fewer = ref.sliceIds(sp(LEVEL_CODE.department, PERIOD_KIND_CODE.all, {}, { ...SIZES, departments: 10 }));
    expect(fewer.unassigned).toBeGreaterThan(withRoom.unassigned);
  });

  it('more slices than the first guess of room, hashed and directly indexed: the kernel asks for room and agrees', () => {
    // 4 hospitals × 20,000 physicians × 60 months is too many for a direct index (hash); 1 × 14,000 × 60 is not.
    for (const sizes of [{ hospitals: 4, departments: 30, wards: 50, physicians: 20_000, drgs: 200 }, { hospitals: 1, departments: 30, wards: 50, physicians: 14_000, drgs: 200 }]) {
      const cases = randomCases(150_000, 9, sizes);
      const p = sp(LEVEL_CODE.physician, PERIOD_KIND_CODE.month, {}, sizes);
      expect(new ReferenceEvaluationKernels(cases).sliceIds(p).count).toBeGreaterThan(1 << 16);
      compareKernels(cases, [p], 200);
    }
  });

  it('no cases, and a single case', () => {
    compareKernels(randomCases(0, 1), [sp(1, 1)], 10);
    compareKernels(randomCases(1, 2), [sp(3, 4)], 10);
  });
});

describe('§5 periods of a discharge day', () => {
  it('the kernel and the reference give the same period codes from 1900 to 2100', () => {
    const wasm = WasmEvaluationKernels.placed(core, randomCases(1, 3));
    const r = seededRandom(4);
    try {
      const from = Date.UTC(1900, 0, 1) / 86_400_000, to = Date.UTC(2100, 11, 31) / 86_400_000;
      const days = Array.from({ length: 20_000 }, (_, k) => (k < 400 ? DAY_2019 + k * 3 - 600 : from + Math.floor(r() * (to - from))));
      for (const kind of Object.values(PERIOD_KIND_CODE)) {
        expect(Int32Array.from(days, (d) => wasm.periodCode(d, kind))).toEqual(Int32Array.from(days, (d) => periodCodeReference(d, kind)));
      }
    } finally {
      wasm.release();
    }
  });

  it('codes match the calendar (UTC) of the day, month by month and at year, half and quarter ends', () => {
    const r = seededRandom(5);
    for (let k = 0; k < 5000; k++) {
      const day = Math.floor((r() - 0.3) * 80_000);
      const d = new Date(day * 86_400_000);
      const y = d.getUTCFullYear(), m = d.getUTCMonth();
      expect([1, 2, 3, 4].map((kind) => periodCodeReference(day, kind))).toEqual([y, y * 2 + (m >= 6 ? 1 : 0), y * 4 + Math.floor(m / 3), y * 12 + m]);
    }
    const at = (iso: string, kind: (typeof PERIOD_KINDS)[number]) => periodLabel(periodCodeReference(Date.parse(`${iso}T00:00:00Z`) / 86_400_000, PERIOD_KIND_CODE[kind]), kind);
    expect(at('2023-06-30', 'half')).toBe('2023H1');
    expect(at('2023-07-01', 'half')).toBe('2023H2');
    expect(at('2023-03-31', 'quarter')).toBe('2023Q1');
    expect(at('2023-04-01', 'quarter')).toBe('2023Q2');
    expect(at('2024-02-29', 'month')).toBe('2024-02');
    expect(at('2023-12-31', 'year')).toBe('2023');
    expect(at('1969-12-31', 'month')).toBe('1969-12');
    expect(at('2023-05-05', 'all')).toBe('all');
  });
});

// ----- the whole table through either set of kernels -----

const LABELS = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

function analysisOf(cases: EvalCaseArrays, nDrg: number, seed: number): AnalysisInput {
  const r = seededRandom(seed);
  const unit = (ids: Int32Array, prefix: string) => ({ ids: core.placeI32(ids), labels: LABELS(prefix, Math.max(0, ...ids) + 1) });
  const columns: AnalysisColumns = {
    n: cases.n,
    hospital: unit(cases.hospital, 'H'), department: unit(cases.department, 'D'), ward: unit(cases.ward, 'W'), physician: unit(cases.physician, 'P'),
    hospitalLevel: core.placeI32(new Int32Array(cases.n).fill(3)), insuranceType: { ids: core.placeI32(new Int32Array(cases.n)), labels: ['职工'] },
    dischargeDay: core.placeI32(cases.dischargeDay), los: core.placeI32(cases.los), totalCost: core.placeF64(cases.totalCost),
    dischargeStatus: core.placeI32(cases.dischargeStatus),
  };
  return {
    columns,
    grouped: { drg: core.placeI32(cases.drg), dipGroup: core.placeI32(new Int32Array(cases.n).fill(-1)) },
    compiled: {
      strings: { drgCodes: LABELS('G', nDrg) },
      tables: {
        drgWeight: Float64Array.from({ length: nDrg }, (_, g) => (g % 29 === 4 ? NaN : 0.3 + 3 * r() * r())),
        drgAmbiguous: Uint8Array.from({ length: nDrg }, (_, g) => (g % 50 === 49 ? 1 : 0)),
      },
    },
  };
}

describe('§5 evaluation table: Wasm kernels = reference kernels', () => {
  it('the same table (indicators, composites, reference, comparison) for several requests over 60,000 random cases', () => {
    const cases = randomCases(60_000, 11);
    const analysis = analysisOf(cases, 300, 12);
    const labels: Record<UnitLevel, string[]> = {
      hospital: analysis.columns.hospital.labels, department: analysis.columns.department.labels,
      ward: analysis.columns.ward.labels, physician: analysis.columns.physician.labels,
    };
    const requests: EvaluationRequest[] = [
      { level: 'hospital', period: 'all' },
      { level: 'department', period: 'year', formulas: SEED_COMPOSITE.text },
      { level: 'physician', period: 'quarter', parent: { hospital: 'H001' }, formulas: 'geometric' },
      { level: 'ward', period: 'month', parent: { hospital: 'H000', department: 'D001' }, formulas: '' },
      { level: 'department', period: 'all', compare: ['2020', '2021'] },
    ];
    for (const request of requests) {
      const viaWasm = evaluate(core, analysis, request);
      const ref = new ReferenceEvaluationKernels(cases);
      const viaRef = evaluateWith(ref, cases.n, labels, analysis.compiled, request);
      expect(viaWasm.rows, JSON.stringify(request)).toBeGreaterThan(0);
      expect(viaWasm, JSON.stringify(request)).toEqual(viaRef);
    }
  });
});
