// Host side of the Wasm pricing core (assembly/pricing.ts): places parameters and case columns in linear memory,
// runs the fused reprice + aggregate pass or prices a page of cases, and reads results into the reference's types.
import {
  ALL_TABLES, BASE_FIELDS, DIP_FIELDS, DRG_FIELDS, HOSP_FIELDS, PACKED_FIELDS, PARAM_WORDS, PRICING_CASE_COLUMNS,
  PRICING_ROW_BYTES, PRICING_ROW_COLUMNS, SCALAR_SLOTS, S, fundRatioRows, resolvedFrom,
  type AggregateTables, type CaseSums, type PricingCaseColumn, type PricingCaseColumns, type PricingInputs,
  type PricingRows, type PricingSums,
} from './pricing-layout.ts';
import type { Block, WasmCore } from './wasm-core.ts';
import type { RatioHistogram } from './reference/pricing.ts';

/** The core's pricing exports. */
interface PricingExports {
  pricingParamWords(): number;
  pricingScalarSlots(): number;
  pricingCaseWords(): number;
  pricingRowWords(): number;
  pricingAggregateFields(): number;
  pricingResolve(params: number, cases: number, n: number): void;
  pricingRows(params: number, cases: number, out: number, rows: number, count: number, first: number): void;
  pricingAggregate(params: number, cases: number, n: number, nHosp: number, outHosp: number, outDrg: number, outDip: number): void;
  pricingCaseSums(cases: number, n: number, nHosp: number, nDrg: number, nDip: number, outHosp: number, outDrg: number, outDip: number): void;
  pricingRatioHistogram(params: number, cases: number, n: number, nBins: number, maxRatio: number, outDrg: number, outDip: number): void;
}

/** Case columns resident in Wasm memory: the descriptor the kernels read, and the blocks this side owns. */
export interface ResidentPricingCases {
  n: number;
  descriptor: Block;
  /** Blocks placed by `placeCases` (freed by `releaseCases`); empty for columns the caller owns. */
  owned: Block[];
}

/**
 * A table as the kernel reads it (assembly/pricing.ts, pricingResolve): one slot more, holding `extra`, which
 * out-of-range ids read; with `unpricedAsZero`, NaN and ≤ 0 entries become 0 (the kernel's "unpriced").
 */
function padded(values: Float64Array, extra: number, unpricedAsZero: boolean): Float64Array {
  const out = new Float64Array(values.length + 1);
  out.set(values);
  out[values.length] = extra;
  if (unpricedAsZero) for (let i = 0; i < values.length; i++) if (!(out[i]! > 0)) out[i] = 0;
  return out;
}

/**
 * What the budget sums depend on besides the cases: §3 Σ (RW × coefficient) on the weights and hospital
 * coefficients, §4 Σ (case score × level coefficient) on the scores, mean costs, deviation thresholds and
 * level coefficients. Thresholds, rates, shares and the budget itself move neither sum.
 */
function budgetSumInputs(inputs: PricingInputs): Float64Array {
  const s = inputs.scalars;
  const parts = [inputs.drgWeight, inputs.dipScore, inputs.dipMeanCostYuan,
    Float64Array.of(s[S.COEF + 1]!, s[S.COEF + 2]!, s[S.COEF + 3]!, s[S.DIP_COEF + 1]!, s[S.DIP_COEF + 2]!, s[S.DIP_COEF + 3]!, s[S.DIP_LOW]!, s[S.DIP_HIGH]!)];
  const out = new Float64Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let k = 0;
  for (const p of parts) {
    out[k++] = p.length; // lengths keep [1, 2] + [3] apart from [1] + [2, 3]
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/** Bit-for-bit equal (NaN equals NaN), so a reused sum is exactly the one the pass would compute. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length), y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A sum table: `ptr` aligned to 64 bytes so each 8-field row is one cache line. */
interface SumBlock { block: Block; ptr: number; bytes: number }

/**
 * One pricing context: a parameter set placed in Wasm memory (`setInputs`, cheap — tables are per group,
 * not per case) and sum tables reused across calls, so a slider move allocates nothing in Wasm memory.
 */
export class WasmPricing {
  private readonly core: WasmCore;
  private readonly x: PricingExports;
  private params: Block | null = null;
  private paramBlocks: Block[] = [];
  private inputs: PricingInputs | null = null;
  private sumBlocks: SumBlock[] = [];
  /** The last budget sums, the cases and the inputs they came from: a slider that moves neither sum reuses them. */
  private lastSums: { cases: ResidentPricingCases; key: Float64Array; weightCoef: number; scoreCoef: number } | null = null;
  /** Whether the last resolve reused the budget sums (for tests and the bench). */
  sumsReused = false;

  constructor(core: WasmCore) {
    this.core = core;
    this.x = core.exports as unknown as PricingExports;
    if (this.x.pricingParamWords() !== PARAM_WORDS || this.x.pricingScalarSlots() !== SCALAR_SLOTS
      || this.x.pricingCaseWords() !== PRICING_CASE_COLUMNS.length || this.x.pricingRowWords() !== PRICING_ROW_COLUMNS.length
      || this.x.pricingAggregateFields() !== PACKED_FIELDS) {
      throw new Error('Wasm core pricing layouts differ from src/engine/pricing-layout.ts: rebuild the core');
    }
  }

  /** Places a parameter set (replacing the previous one). The kernels write the resolved slots back into it. */
  setInputs(inputs: PricingInputs): void {
    this.releaseInputs();
    const c = this.core;
    const scalars = c.placeF64(inputs.scalars);
    const weight = c.placeF64(padded(inputs.drgWeight, 0, true));
    const score = c.placeF64(padded(inputs.dipScore, 0, true));
    const mean = c.placeF64(padded(inputs.dipMeanCostYuan, NaN, false));
    const fund = c.placeF64(padded(inputs.fundRatio, inputs.scalars[S.FUND_DEFAULT]!, false));
    this.paramBlocks = [scalars, weight, score, mean, fund];
    this.params = c.alloc(PARAM_WORDS * 4);
    c.i32(this.params, PARAM_WORDS).set([
      scalars.ptr, weight.ptr, inputs.drgWeight.length, score.ptr, mean.ptr, inputs.dipScore.length, fund.ptr, inputs.fundRatio.length,
    ]);
    this.inputs = inputs;
  }

  /** Cases and Σ cost per hospital, DRG and DIP group: once per case set (no parameter moves them). */
  caseSums(cases: ResidentPricingCases, nHospitals: number, nDrg: number, nDip: number): CaseSums {
    const c = this.core;
    const sizes = [nHospitals + 1, nDrg + 1, nDip + 1].map((rows) => rows * BASE_FIELDS);
    const blocks = sizes.map((len) => c.alloc(len * 8));
    try {
      this.x.pricingCaseSums(cases.descriptor.ptr, cases.n, nHospitals, nDrg, nDip, blocks[0]!.ptr, blocks[1]!.ptr, blocks[2]!.ptr);
      const [hospital, drg, dip] = blocks.map((b, k) => c.f64(b, sizes[k]!).slice()) as [Float64Array, Float64Array, Float64Array];
      return { nHospitals, hospital, drg, dip };
    } finally {
      for (const b of blocks) c.free(b);
    }
  }

  /** The fused pass: resolves budget-neutral values, prices and sums; copies the sums out. */
  repriceAggregate(cases: ResidentPricingCases, base: CaseSums, tables: Readonly<AggregateTables> = ALL_TABLES): PricingSums {
    const inputs = this.requireInputs();
    const nHospitals = base.nHospitals;
    const nDrg = inputs.drgWeight.length, nDip = inputs.dipScore.length, nIns = inputs.fundRatio.length;
    const hospLen = (nHospitals + 1) * (nIns + 1) * HOSP_FIELDS;
    const [hosp, drg, dip] = this.sums([hospLen, (nDrg + 1) * DRG_FIELDS, (nDip + 1) * DIP_FIELDS]);
    const key = this.offerBudgetSums(cases, inputs);
    this.x.pricingAggregate(this.params!.ptr, cases.descriptor.ptr, cases.n, nHospitals, hosp!.ptr,
      tables.drg ? drg!.ptr : 0, tables.dip ? dip!.ptr : 0);
    this.readResolved(inputs);
    this.keepBudgetSums(cases, inputs, key);
    const view = (s: SumBlock, len: number) => new Float64Array(this.core.exports.memory.buffer, s.ptr, len).slice();
    return {
      nHospitals,
      nInsurance: nIns,
      fundRatio: fundRatioRows(inputs),
      hospital: view(hosp!, hospLen),
      drg: tables.drg ? view(drg!, (nDrg + 1) * DRG_FIELDS) : null,
      dip: tables.dip ? view(dip!, (nDip + 1) * DIP_FIELDS) : null,
      base,
      resolved: resolvedFrom(inputs.scalars),
    };
  }

  /** Budget-neutral resolution alone (for pricing a page before any aggregate). */
  resolve(cases: ResidentPricingCases): void {
    const inputs = this.requireInputs();
    const key = this.offerBudgetSums(cases, inputs);
    this.x.pricingResolve(this.params!.ptr, cases.descriptor.ptr, cases.n);
    this.readResolved(inputs);
    this.keepBudgetSums(cases, inputs, key);
  }

  /** The distribution of cost ÷ standard (DRG) and cost ÷ mean cost (DIP) with the last resolved values. */
  ratioHistogram(cases: ResidentPricingCases, nBins: number, maxRatio: number): RatioHistogram {
    this.requireInputs();
    const c = this.core;
    const drg = c.alloc((nBins + 1) * 4), dip = c.alloc((nBins + 1) * 4);
    try {
      this.x.pricingRatioHistogram(this.params!.ptr, cases.descriptor.ptr, cases.n, nBins, maxRatio, drg.ptr, dip.ptr);
      return { maxRatio, drg: c.i32(drg, nBins + 1).slice(), dip: c.i32(dip, nBins + 1).slice() };
    } finally {
      c.free(drg);
      c.free(dip);
    }
  }

  /** Per-case pricing of rows[k] (or first + k when rows is null), k < count, with the last resolved values. */
  priceRows(cases: ResidentPricingCases, rows: Int32Array | null, count: number, first = 0): PricingRows {
    this.requireInputs();
    if (rows ? rows.some((i) => i < 0 || i >= cases.n) : first < 0 || first + count > cases.n) {
      throw new Error(`priceRows: rows outside the ${cases.n} cases`);
    }
    const c = this.core;
    const blocks = PRICING_ROW_COLUMNS.map((k) => c.alloc(count * PRICING_ROW_BYTES[k]));
    const descriptor = c.alloc(PRICING_ROW_COLUMNS.length * 4);
    const rowBlock = rows ? c.placeI32(rows) : null;
    try {
      c.i32(descriptor, PRICING_ROW_COLUMNS.length).set(blocks.map((b) => b.ptr));
      this.x.pricingRows(this.params!.ptr, cases.descriptor.ptr, descriptor.ptr, rowBlock ? rowBlock.ptr : 0, count, first);
      const out = {} as Record<keyof PricingRows, Float64Array | Uint8Array>;
      PRICING_ROW_COLUMNS.forEach((k, j) => {
        out[k] = PRICING_ROW_BYTES[k] === 1 ? c.u8(blocks[j]!, count).slice() : c.f64(blocks[j]!, count).slice();
      });
      return out as unknown as PricingRows;
    } finally {
      for (const b of blocks) c.free(b);
      c.free(descriptor);
      c.free(rowBlock);
    }
  }

  // ----- case columns ---------------------------------------------------------------------------------

  /** Copies case columns into Wasm memory. */
  placeCases(cols: PricingCaseColumns): ResidentPricingCases {
    const owned = PRICING_CASE_COLUMNS.map((k) => (k === 'costYuan' ? this.core.placeF64(cols[k]) : this.core.placeI32(cols[k])));
    const rc = this.residentCases(cols.n, Object.fromEntries(PRICING_CASE_COLUMNS.map((k, i) => [k, owned[i]!.ptr])) as Record<PricingCaseColumn, number>);
    rc.owned = owned;
    return rc;
  }

  /** Describes columns the caller already keeps in Wasm memory (i32; cost f64); only the descriptor is allocated. */
  residentCases(n: number, ptrs: Record<PricingCaseColumn, number>): ResidentPricingCases {
    const descriptor = this.core.alloc(PRICING_CASE_COLUMNS.length * 4);
    this.core.i32(descriptor, PRICING_CASE_COLUMNS.length).set(PRICING_CASE_COLUMNS.map((k) => ptrs[k]));
    return { n, descriptor, owned: [] };
  }

  releaseCases(cases: ResidentPricingCases): void {
    if (this.lastSums?.cases === cases) this.lastSums = null;
    for (const b of cases.owned) this.core.free(b);
    this.core.free(cases.descriptor);
    cases.owned = [];
  }

  /** Frees the parameters and sum tables; the context can be used again after setInputs. */
  free(): void {
    this.releaseInputs();
    for (const s of this.sumBlocks) this.core.free(s.block);
    this.sumBlocks = [];
  }

  private requireInputs(): PricingInputs {
    if (!this.inputs || !this.params) throw new Error('WasmPricing: setInputs first');
    return this.inputs;
  }

  /**
   * In a budget mode, places the last budget sums and S.SUMS_GIVEN when the cases and everything the sums
   * depend on are unchanged, so the kernel skips its first pass; returns the inputs' key (null: fixed modes).
   */
  private offerBudgetSums(cases: ResidentPricingCases, inputs: PricingInputs): Float64Array | null {
    const placed = this.core.f64(this.paramBlocks[0]!, SCALAR_SLOTS);
    placed[S.SUMS_GIVEN] = 0;
    this.sumsReused = false;
    if (inputs.scalars[S.RATE_BUDGET] === 0 && inputs.scalars[S.PV_FLOATING] === 0) return null;
    const key = budgetSumInputs(inputs);
    const last = this.lastSums;
    if (last && last.cases === cases && sameBits(last.key, key)) {
      placed[S.SUM_WEIGHT_COEF] = last.weightCoef;
      placed[S.SUM_SCORE_COEF] = last.scoreCoef;
      placed[S.SUMS_GIVEN] = 1;
      this.sumsReused = true;
    }
    return key;
  }

  private keepBudgetSums(cases: ResidentPricingCases, inputs: PricingInputs, key: Float64Array | null): void {
    if (!key) return;
    this.lastSums = { cases, key, weightCoef: inputs.scalars[S.SUM_WEIGHT_COEF]!, scoreCoef: inputs.scalars[S.SUM_SCORE_COEF]! };
  }

  /** Copies the slots the kernel wrote (rates, point value, budget sums, per-level products) into inputs.scalars. */
  private readResolved(inputs: PricingInputs): void {
    const placed = this.core.f64(this.paramBlocks[0]!, SCALAR_SLOTS);
    inputs.scalars.set(placed.subarray(S.EFF_RATE), S.EFF_RATE);
  }

  /** Sum tables of at least these many f64s, kept between calls. */
  private sums(lengths: number[]): SumBlock[] {
    lengths.forEach((len, k) => {
      const bytes = len * 8;
      const have = this.sumBlocks[k];
      if (have && have.bytes >= bytes) return;
      if (have) this.core.free(have.block);
      const block = this.core.alloc(bytes + 64);
      this.sumBlocks[k] = { block, ptr: (block.ptr + 63) & ~63, bytes };
    });
    return this.sumBlocks;
  }

  private releaseInputs(): void {
    for (const b of this.paramBlocks) this.core.free(b);
    this.paramBlocks = [];
    this.core.free(this.params);
    this.params = null;
    this.inputs = null;
  }
}
