// The DIP grouping (domain §4) over compiled tables and case id columns in linear memory: the same algorithm
// as src/engine/reference/dip-grouper.ts, output for output. No strings; allocates only to grow its scratch set.
import { DIP_CLASSES, DIP_KIND_NONE, DIP_UNGROUPED, NO_CODE } from './rule-codes';

/**
 * Word-for-word the block the host writes (src/engine/wasm-dip-grouper.ts, DIP_TABLE_WORDS). Pointers are
 * to the CompiledTables arrays of the same name; the scratch set belongs to the core.
 */
@unmanaged
export class DipTables {
  dxDipCategory: usize = 0; // i32 per dx id
  nDx: i32 = 0;
  procDipProc: usize = 0; // i32 per proc id
  procDipClass: usize = 0; // i8 per proc id, -1 missing
  nProc: i32 = 0;
  dipKeyCoreStart: usize = 0; // i32 per key
  dipKeyCoreEnd: usize = 0; // i32 per key
  dipKeyCore: usize = 0; // i32
  nKey: i32 = 0;
  dipCoreProcStart: usize = 0; // i32 per core combination
  dipCoreProcEnd: usize = 0; // i32
  dipCoreProcs: usize = 0; // i32
  dipCategoryGroup: usize = 0; // i32 per category × DIP_CLASSES
  dipGroupKind: usize = 0; // u8 per group
  dipGroupScore: usize = 0; // f64 per group
  // ----- owned by the core -----
  scratch: usize = 0; // i32, the case's sorted procedure set
  scratchCap: i32 = 0;
}

/** Case columns, placed by the host (DipCaseColumns of src/rules/dip-encoding.ts). */
@unmanaged
export class DipCases {
  principalDx: usize = 0; // i32 dx id; -1 no code, -2 unknown
  principalDxDipKey: usize = 0; // i32 DIP key id, -1 none
  principalProc: usize = 0; // i32
  otherProcs: usize = 0; // i32, flat
  otherProcsOffsets: usize = 0; // i32, n + 1
}

/** Output columns (DipOutput): 4 + 1 + 8 = 13 bytes per case. */
@unmanaged
export class DipOut {
  group: usize = 0; // i32
  kind: usize = 0; // u8
  score: usize = 0; // f64
}

export function dipTablesWords(): i32 {
  return <i32>(offsetof<DipTables>() >> 2);
}

export function dipCasesWords(): i32 {
  return <i32>(offsetof<DipCases>() >> 2);
}

export function dipOutWords(): i32 {
  return <i32>(offsetof<DipOut>() >> 2);
}

/** Frees the scratch set (the host frees its own blocks and the handle). */
export function dipTablesRelease(handle: usize): void {
  const t = changetype<DipTables>(handle);
  if (t.scratch != 0) heap.free(t.scratch);
  t.scratch = 0;
  t.scratchCap = 0;
}

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

/** One case: core combination by key + exact procedure set, else comprehensive group by category + class. */
function groupOf(t: DipTables, pdx: i32, key: i32, pp: i32, oth: usize, oS: i32, oE: i32): i32 {
  if (<u32>pdx >= <u32>t.nDx) return DIP_UNGROUPED;
  const set = t.scratch;
  const nProc = <u32>t.nProc;
  let open = <u32>key < <u32>t.nKey;
  let n = 0;
  let cls = 0;
  for (let k = oS - 1; k < oE; k++) {
    const p = k < oS ? pp : i32At(oth, k);
    if (p == NO_CODE) continue;
    if (<u32>p >= nProc) { open = false; continue; } // unknown code: in no catalog entry, class unknown
    const c = <i32>load<i8>(t.procDipClass + <usize>p);
    if (c > cls) cls = c;
    const d = i32At(t.procDipProc, p);
    if (d < 0) { open = false; continue; }
    if (!open) continue;
    let j = n;
    while (j > 0 && i32At(set, j - 1) > d) j--;
    if (j > 0 && i32At(set, j - 1) == d) continue;
    for (let m = n; m > j; m--) store<i32>(set + (<usize>m << 2), i32At(set, m - 1));
    store<i32>(set + (<usize>j << 2), d);
    n++;
  }
  if (open) {
    const end = i32At(t.dipKeyCoreEnd, key);
    for (let e = i32At(t.dipKeyCoreStart, key); e < end; e++) {
      const c = i32At(t.dipKeyCore, e);
      const s = i32At(t.dipCoreProcStart, c);
      if (i32At(t.dipCoreProcEnd, c) - s != n) continue;
      let m = 0;
      while (m < n && i32At(t.dipCoreProcs, s + m) == i32At(set, m)) m++;
      if (m == n) return c;
    }
  }
  const cat = i32At(t.dxDipCategory, pdx);
  return cat >= 0 ? i32At(t.dipCategoryGroup, cat * DIP_CLASSES + cls) : DIP_UNGROUPED;
}

/**
 * Groups cases [from, to): tables a host-filled DipTables block, cases a DipCases block, out a DipOut
 * block. Returns 0, or 1 when the scratch set could not grow.
 */
export function dipGroup(tables: usize, cases: usize, out: usize, from: i32, to: i32): i32 {
  const t = changetype<DipTables>(tables);
  const c = changetype<DipCases>(cases);
  const o = changetype<DipOut>(out);
  for (let i = from; i < to; i++) {
    const oS = i32At(c.otherProcsOffsets, i);
    const oE = i32At(c.otherProcsOffsets, i + 1);
    const need = oE - oS + 1;
    if (need > t.scratchCap) {
      const cap = max(need * 2, 16);
      const p = t.scratch == 0 ? heap.alloc(<usize>cap << 2) : heap.realloc(t.scratch, <usize>cap << 2);
      if (p == 0) return 1;
      t.scratch = p;
      t.scratchCap = cap;
    }
    const g = groupOf(t, i32At(c.principalDx, i), i32At(c.principalDxDipKey, i), i32At(c.principalProc, i), c.otherProcs, oS, oE);
    store<i32>(o.group + (<usize>i << 2), g);
    if (g >= 0) {
      store<u8>(o.kind + <usize>i, load<u8>(t.dipGroupKind + <usize>g));
      store<f64>(o.score + (<usize>i << 3), load<f64>(t.dipGroupScore + (<usize>g << 3)));
    } else {
      store<u8>(o.kind + <usize>i, <u8>DIP_KIND_NONE);
      store<f64>(o.score + (<usize>i << 3), NaN);
    }
  }
  return 0;
}
