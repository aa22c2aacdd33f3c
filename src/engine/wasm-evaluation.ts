// Host side of the §5 evaluation kernel (assembly/evaluation.ts): describes the resident case columns, keeps
// the per-case slice column in Wasm memory between the two passes, and copies out only per-DRG and per-slice rows.
import {
  DRG_FIELDS, EVAL_CASE_COLUMNS, KEY_WORDS, P, PACKED_LAYOUT, PACKED_LAYOUT_2, PARAM_WORDS, SLICE_FIELDS, TABLE_WORDS, sliceParamWords,
  type DrgTables, type EvalCaseArrays, type EvalCaseColumn, type EvaluationKernels, type SliceKeys, type SliceParams,
} from '../evaluation/evaluation-layout.ts';
import type { AnalysisColumns, GroupedColumns } from './case-columns.ts';
import { fail } from '../shared/errors.ts';
import { borrowColumns, placeColumns, releaseColumns, type ResidentColumns } from './resident-columns.ts';
import type { Block, WasmCore } from './wasm-core.ts';

interface EvaluationExports {
  evalLayout(): number;
  evalLayout2(): number;
  periodCode(day: number, kind: number): number;
  evalDrgSums(cases: number, n: number, nDrg: number, out: number): void;
  evalSliceIds(cases: number, n: number, params: number, outSlice: number, keys: number, maxSlices: number, slots: number, capacity: number): number;
  evalSliceSums(cases: number, n: number, slices: number, nSlices: number, tables: number, nDrg: number, out: number, bits: number): void;
}

/** Slices found before the kernel is asked to make room for one per case. */
const FIRST_SLICE_ROOM = 1 << 16;
/** The distinct-DRG bitset beyond which a request is refused (slices × DRGs ÷ 8 bytes). */
const MAX_BITSET_BYTES = 512 * 2 ** 20;

function pow2AtLeast(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

export class WasmEvaluationKernels implements EvaluationKernels {
  private readonly x: EvaluationExports;
  private slice: Block | null = null;
  private nSlices = 0;

  private constructor(private readonly core: WasmCore, private readonly cases: ResidentColumns) {
    this.x = core.exports as unknown as EvaluationExports;
    if (typeof this.x.evalLayout !== 'function' || this.x.evalLayout() !== PACKED_LAYOUT || this.x.evalLayout2() !== PACKED_LAYOUT_2) {
      releaseColumns(core, cases);
      throw new Error('Wasm core evaluation layouts differ from src/evaluation/evaluation-layout.ts: rebuild the core');
    }
  }

  /** Over the engine's resident columns (borrowed: nothing is copied, only a descriptor is allocated). */
  static resident(core: WasmCore, columns: AnalysisColumns, grouped: GroupedColumns): WasmEvaluationKernels {
    const ptrs: Record<EvalCaseColumn, number> = {
      hospital: columns.hospital.ids.ptr, department: columns.department.ids.ptr, ward: columns.ward.ids.ptr,
      physician: columns.physician.ids.ptr, dischargeDay: columns.dischargeDay.ptr, los: columns.los.ptr,
      totalCost: columns.totalCost.ptr, dischargeStatus: columns.dischargeStatus.ptr, drg: grouped.drg.ptr,
    };
    return new WasmEvaluationKernels(core, borrowColumns(core, EVAL_CASE_COLUMNS, columns.n, ptrs));
  }

  /** Over plain arrays, copied into Wasm memory (tests, bench). */
  static placed(core: WasmCore, arrays: EvalCaseArrays): WasmEvaluationKernels {
    return new WasmEvaluationKernels(core, placeColumns(core, EVAL_CASE_COLUMNS, arrays.n, arrays));
  }

  /** The kernel's period code of one day (tests compare it with the reference's). */
  periodCode(day: number, kind: number): number {
    return this.x.periodCode(day, kind);
  }

  drgSums(nDrg: number): Float64Array {
    const c = this.core;
    const out = c.alloc(nDrg * DRG_FIELDS * 8);
    try {
      this.x.evalDrgSums(this.cases.descriptor.ptr, this.cases.n, nDrg, out.ptr);
      return c.f64(out, nDrg * DRG_FIELDS).slice();
    } finally {
      c.free(out);
    }
  }

  sliceIds(params: SliceParams): SliceKeys {
    const c = this.core;
    const n = this.cases.n;
    this.freeSlice();
    const slice = c.alloc(n * 4);
    const words = c.placeI32(sliceParamWords(params));
    let room = Math.max(1, Math.min(n, FIRST_SLICE_ROOM));
    try {
      for (;;) {
        const capacity = pow2AtLeast(2 * room);
        const keys = c.alloc(room * KEY_WORDS * 4);
        const slots = c.alloc(capacity * 4);
        try {
          const count = this.x.evalSliceIds(this.cases.descriptor.ptr, n, words.ptr, slice.ptr, keys.ptr, room, slots.ptr, capacity);
          if (count >= 0) {
            const w = c.i32(words, PARAM_WORDS);
            this.slice = slice;
            this.nSlices = count;
            return { count, keys: c.i32(keys, count * KEY_WORDS).slice(), matched: w[P.OUT_MATCHED]!, unassigned: w[P.OUT_UNASSIGNED]! };
          }
        } finally {
          c.free(keys);
          c.free(slots);
        }
        room = Math.max(1, n); // there cannot be more slices than cases
      }
    } catch (e) {
      c.free(slice);
      throw e;
    } finally {
      c.free(words);
    }
  }

  sliceSums(t: DrgTables): Float64Array {
    if (!this.slice) throw new Error('sliceSums: sliceIds first');
    const c = this.core;
    const nDrg = t.weight.length, nSlices = this.nSlices;
    const bitBytes = nSlices * ((nDrg + 31) >> 5) * 4;
    if (bitBytes > MAX_BITSET_BYTES) {
      fail('evaluation.too_many_slices', `${nSlices} units × periods over ${nDrg} DRGs is too many to evaluate at once; choose a parent unit or a longer period`,
        { slices: nSlices, drgs: nDrg });
    }
    const blocks: Block[] = [];
    const keep = (b: Block) => (blocks.push(b), b);
    try {
      const weight = keep(c.placeF64(t.weight));
      const refLos = keep(c.placeF64(t.refLosDays));
      const refCost = keep(c.placeF64(t.refCostYuan));
      const risk = keep(c.placeI32(t.riskClass));
      const tables = keep(c.placeI32([weight.ptr, refLos.ptr, refCost.ptr, risk.ptr]));
      if (TABLE_WORDS !== 4) throw new Error('evaluation: table descriptor out of date');
      const out = keep(c.alloc(nSlices * SLICE_FIELDS * 8));
      const bits = keep(c.alloc(bitBytes));
      this.x.evalSliceSums(this.cases.descriptor.ptr, this.cases.n, this.slice.ptr, nSlices, tables.ptr, nDrg, out.ptr, bits.ptr);
      return c.f64(out, nSlices * SLICE_FIELDS).slice();
    } finally {
      for (const b of blocks) c.free(b);
    }
  }

  caseSlices(): Int32Array {
    return this.slice ? this.core.i32(this.slice, this.cases.n).slice() : new Int32Array(0);
  }

  release(): void {
    this.freeSlice();
    releaseColumns(this.core, this.cases);
  }

  private freeSlice(): void {
    this.core.free(this.slice);
    this.slice = null;
    this.nSlices = 0;
  }
}
