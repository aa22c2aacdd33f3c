// The DRG tables handle: pointers to a compiled ruleset's typed arrays (placed by the host), plus what is
// derived here once per ruleset for speed. Allocates only in drgTablesInit, never while grouping.
import {
  FIELD_ALL_PROCS, FIELD_OTHER_PROCS, FIELD_PRINCIPAL_PROC, LIST_SPACE_DX, LIST_SPACE_PROC, STEP_ADRG,
  OP_ANY_IN, OP_CMP, OP_CMP_FIELD, OP_CMP_NULL, OP_END, OP_HITS, OP_IN_PDX, OP_IN_PPROC, OP_JF, OP_JT, OP_ONE_OF, OP_PRESENT,
} from './rule-codes';

/**
 * Word-for-word the block the host writes (src/engine/wasm-drg-grouper.ts, TABLE_WORDS): every field is
 * 4 bytes, in this order. Pointers are to the arrays of CompiledTables of the same name.
 */
@unmanaged
export class DrgTables {
  dxSeverity: usize = 0; // u8
  dxCcExclusion: usize = 0; // i32
  dxPrincipalExclusion: usize = 0; // i32
  nDx: i32 = 0;
  nProc: i32 = 0;
  listStart: usize = 0; // i32
  listEnd: usize = 0; // i32
  listSpace: usize = 0; // u8: LIST_SPACE_DX / LIST_SPACE_PROC
  listIds: usize = 0; // i32
  nList: i32 = 0;
  prog: usize = 0; // i32
  progLength: i32 = 0;
  checkWhen: usize = 0; // i32
  checkReason: usize = 0; // u8
  nCheck: i32 = 0;
  mdcGuard: usize = 0; // i32
  mdcStepStart: usize = 0; // i32
  mdcStepEnd: usize = 0; // i32
  nMdc: i32 = 0;
  stepKind: usize = 0; // u8
  stepTarget: usize = 0; // i32
  stepWhen: usize = 0; // i32
  stepEntry: usize = 0; // i32: the ADRG row (entry) an adrg step tries; adrg*/split tables are per entry
  adrgWhen: usize = 0; // i32
  adrgSplitStart: usize = 0; // i32
  adrgSplitEnd: usize = 0; // i32
  adrgFallback: usize = 0; // i32
  splitWhen: usize = 0; // i32
  splitDrg: usize = 0; // i32
  drgAdrg: usize = 0; // i32
  retryEachOtherProc: i32 = 0;
  // ----- derived by drgTablesInit (zero until then) -----
  /** The program with fused opcodes (same offsets, so every pc in the tables stays valid). */
  fast: usize = 0;
  /** A ListInfo per list (LIST_INFO_BYTES apart). */
  listInfo: usize = 0;
  /** Per code id (and one past the last: the zero row) its row of membership bits (see buildRows). */
  dxIndex: usize = 0; // i32 per id
  dxRows: usize = 0;
  dxStride: i32 = 0;
  procIndex: usize = 0;
  procRows: usize = 0;
  procStride: i32 = 0;
  dxRowCount: i32 = 0;
  procRowCount: i32 = 0;
  /**
   * Candidates: per distinct dx row and per distinct proc row, a bitset over MDCs (mdcWords words) and
   * one over steps (stepWords); an MDC / step is cleared where its guard / conditions surely fail for a
   * principal diagnosis / procedure with that row (markNeeds). needsProc: those that need a procedure.
   */
  mdcWords: i32 = 0;
  mdcCandDx: usize = 0;
  mdcCandProc: usize = 0;
  mdcNeedsProc: usize = 0;
  stepWords: i32 = 0;
  stepCandDx: usize = 0;
  stepCandProc: usize = 0;
  stepNeedsProc: usize = 0;
  derivedBytes: i32 = 0;
}

/**
 * Per list, what inList needs to test an id without searching: the membership rows of the list's code space
 * (the same for every list of a space) and the list's bit in them. LIST_INFO_BYTES apart (padded to 32).
 */
@unmanaged
export class ListInfo {
  /** i32 per id of the space, and one past the last: the id's row (buildRows). */
  index: usize = 0;
  rows: usize = 0;
  /** Bytes per row. */
  stride: i32 = 0;
  /** Ids in the space: larger ids (and -1/-2) are in no list. */
  n: i32 = 0;
  space: i32 = 0;
  bit: i32 = 0;
}
export const LIST_INFO_BYTES: i32 = 32;

@inline export function listInfoAt(base: usize, l: i32): ListInfo {
  return changetype<ListInfo>(base + <usize>l * LIST_INFO_BYTES);
}

/**
 * Fused opcodes of the derived program, numbered after the compiler's (rule-codes.ts). IN_PDX / IN_PPROC carry
 * the list's bit in its row instead of the list index. For a test X followed by END: X_RET returns X. For X
 * followed by JF whose false path reaches END: X_JFRET returns false when X fails, else skips the JF. For any
 * other X JF t: X_JF jumps to t when X fails. The skipped instruction is left in place, so jumps that land on
 * it still work.
 */
const OP_FUSED: i32 = OP_ONE_OF + 1;
export const OP_IN_PDX_RET: i32 = OP_FUSED;
export const OP_IN_PDX_JFRET: i32 = OP_FUSED + 1;
export const OP_IN_PDX_JF: i32 = OP_FUSED + 2;
export const OP_IN_PPROC_RET: i32 = OP_FUSED + 3;
export const OP_IN_PPROC_JFRET: i32 = OP_FUSED + 4;
export const OP_IN_PPROC_JF: i32 = OP_FUSED + 5;
export const OP_PRESENT_RET: i32 = OP_FUSED + 6;
export const OP_PRESENT_JFRET: i32 = OP_FUSED + 7;
export const OP_PRESENT_JF: i32 = OP_FUSED + 8;

/** Words of the DrgTables block, so the host can check it writes the same layout. */
export function drgTablesWords(): i32 {
  return <i32>(offsetof<DrgTables>() >> 2);
}

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

function opLength(p: usize, pc: i32): i32 {
  const op = i32At(p, pc);
  if (op == OP_JF || op == OP_JT || op == OP_IN_PDX || op == OP_IN_PPROC || op == OP_PRESENT) return 2;
  if (op == OP_ANY_IN || op == OP_CMP_NULL) return 3;
  if (op == OP_CMP || op == OP_CMP_FIELD) return 4;
  if (op == OP_HITS) return 4 + i32At(p, pc + 3);
  if (op == OP_ONE_OF) return 3 + i32At(p, pc + 2);
  return 1;
}

/**
 * Membership rows for the lists of one code space: bit b of a row = the b-th list of the space holds the
 * id. Codes share rows (the national rules: 33,308 diagnoses, 371 distinct rows), so rows are deduplicated
 * and each id has a row index; id n, past the last, has the all-zero row.
 */
function buildRows(t: DrgTables, space: i32, n: i32, info: usize): bool {
  let lists = 0;
  for (let l = 0; l < t.nList; l++) if (<i32>load<u8>(t.listSpace + <usize>l) == space) lists++;
  const stride = max<usize>((<usize>(lists + 31) >> 5) << 2, 4);
  const nRows = <usize>n + 1;
  let rows = heap.alloc(nRows * stride);
  const index = heap.alloc(nRows << 2);
  if (rows == 0 || index == 0) {
    if (rows != 0) heap.free(rows);
    if (index != 0) heap.free(index);
    return false;
  }
  memory.fill(rows, 0, nRows * stride);
  let bit = 0;
  for (let l = 0; l < t.nList; l++) {
    if (<i32>load<u8>(t.listSpace + <usize>l) != space) continue;
    const word = <usize>(bit >> 5) << 2;
    const mask = <u32>1 << (<u32>bit & 31);
    const e = i32At(t.listEnd, l);
    for (let k = i32At(t.listStart, l); k < e; k++) {
      const id = i32At(t.listIds, k);
      if (<u32>id >= <u32>n) continue; // ids come from the same compile, so never; stay in bounds anyway
      const w = rows + <usize>id * stride + word;
      store<u32>(w, load<u32>(w) | mask);
    }
    const li = listInfoAt(info, l);
    li.space = space;
    li.bit = bit;
    bit++;
  }
  // Deduplicate in place: row id moves down to slot `unique` (≤ id), found again through a hash set.
  let cap: usize = 64;
  while (cap < nRows * 2) cap <<= 1;
  const slots = heap.alloc(cap << 2); // unique row + 1, 0 = empty
  if (slots == 0) { heap.free(rows); heap.free(index); return false; }
  memory.fill(slots, 0, cap << 2);
  const words = stride >> 2;
  let unique: usize = 0;
  for (let id: usize = 0; id < nRows; id++) {
    const row = rows + id * stride;
    let h: u32 = 2166136261;
    for (let k: usize = 0; k < words; k++) h = (h ^ load<u32>(row + (k << 2))) * 16777619;
    let slot = <usize>(h ^ (h >> 15)) & (cap - 1);
    let found: usize = <usize>-1;
    while (true) {
      const e = load<i32>(slots + (slot << 2));
      if (e == 0) break;
      if (memory.compare(rows + <usize>(e - 1) * stride, row, stride) == 0) { found = <usize>(e - 1); break; }
      slot = (slot + 1) & (cap - 1);
    }
    if (found == <usize>-1) {
      found = unique++;
      if (found != id) memory.copy(rows + found * stride, row, stride);
      store<i32>(slots + (slot << 2), <i32>found + 1);
    }
    store<i32>(index + (id << 2), <i32>found);
  }
  heap.free(slots);
  rows = heap.realloc(rows, unique * stride);
  for (let l = 0; l < t.nList; l++) {
    const li = listInfoAt(info, l);
    if (li.space != space) continue;
    li.index = index;
    li.rows = rows;
    li.stride = <i32>stride;
    li.n = n;
  }
  if (space == LIST_SPACE_DX) { t.dxIndex = index; t.dxRows = rows; t.dxStride = <i32>stride; t.dxRowCount = <i32>unique; }
  else { t.procIndex = index; t.procRows = rows; t.procStride = <i32>stride; t.procRowCount = <i32>unique; }
  t.derivedBytes += <i32>(unique * stride + (nRows << 2));
  return true;
}

/** Fuses a test with a following END or JF (see OP_*_RET above). */
function fuse(t: DrgTables, p: usize, q: usize, pc: i32, ret: i32, jfret: i32, jf: i32): void {
  const next = pc + 2;
  if (next >= t.progLength) return;
  const nop = i32At(p, next);
  if (nop == OP_END) { store<i32>(q + (<usize>pc << 2), ret); return; }
  if (nop != OP_JF) return;
  // A false accumulator follows JF after JF; if the chain ends at END the answer is false.
  let target = i32At(p, next + 1);
  while (target < t.progLength && i32At(p, target) == OP_JF) target = i32At(p, target + 1);
  store<i32>(q + (<usize>pc << 2), target < t.progLength && i32At(p, target) == OP_END ? jfret : jf);
}

/** Clears bit k in the candidate bitsets (rowCount × words) of the rows lacking list bit `bit`. */
function clearWhereAbsent(rows: usize, rowCount: i32, stride: usize, bit: i32, cand: usize, words: i32, k: i32): void {
  const word = <usize>(k >> 5) << 2;
  const mask = <u32>1 << (<u32>k & 31);
  for (let r = 0; r < rowCount; r++) {
    const row = rows + <usize>r * stride;
    if (((load<u32>(row + (<usize>(<u32>bit >> 5) << 2)) >>> (<u32>bit & 31)) & 1) != 0) continue;
    const w = cand + <usize>r * (<usize>words << 2) + word;
    store<u32>(w, load<u32>(w) & ~mask);
  }
}

/**
 * Marks what item k (an MDC or a step) surely needs, from the leading tests of one of its programs: while
 * the program opens with fused X_JFRET tests and ends that run with X_RET, each X must hold or the program
 * is false. X = principal_dx in L, principal_proc in L (cleared in the dx / proc row candidates) or a
 * procedure being present (needsProc).
 */
function markNeeds(t: DrgTables, pc: i32, k: i32, words: i32, dxCand: usize, procCand: usize, needsProc: usize): void {
  if (pc < 0) return;
  const q = t.fast;
  while (pc < t.progLength) {
    const op = i32At(q, pc);
    const arg = i32At(q, pc + 1);
    if (op == OP_IN_PDX_RET || op == OP_IN_PDX_JFRET) {
      clearWhereAbsent(t.dxRows, t.dxRowCount, <usize>t.dxStride, arg, dxCand, words, k);
    } else if (op == OP_IN_PPROC_RET || op == OP_IN_PPROC_JFRET) {
      clearWhereAbsent(t.procRows, t.procRowCount, <usize>t.procStride, arg, procCand, words, k);
    } else if (op == OP_PRESENT_RET || op == OP_PRESENT_JFRET) {
      if (arg == FIELD_PRINCIPAL_PROC || arg == FIELD_ALL_PROCS || arg == FIELD_OTHER_PROCS) {
        const w = needsProc + (<usize>(k >> 5) << 2);
        store<u32>(w, load<u32>(w) | (<u32>1 << (<u32>k & 31)));
      }
    } else {
      return;
    }
    if (op != OP_IN_PDX_JFRET && op != OP_IN_PPROC_JFRET && op != OP_PRESENT_JFRET) return;
    pc += 4;
  }
}

function allocBits(t: DrgTables, bytes: usize, fill: u8): usize {
  const p = heap.alloc(max<usize>(bytes, 4));
  if (p != 0) {
    memory.fill(p, fill, max<usize>(bytes, 4));
    t.derivedBytes += <i32>max<usize>(bytes, 4);
  }
  return p;
}

/** All bits set in each row's candidate bitset, except those past the last item. */
function allocCandidates(t: DrgTables, rowCount: i32, words: i32, items: i32): usize {
  const rowBytes = <usize>words << 2;
  const p = allocBits(t, <usize>rowCount * rowBytes, 0xff);
  if (p == 0 || (items & 31) == 0) return p;
  const keep = (<u32>1 << (<u32>items & 31)) - 1;
  for (let r = 0; r < rowCount; r++) {
    const w = p + <usize>r * rowBytes + rowBytes - 4;
    store<u32>(w, load<u32>(w) & keep);
  }
  return p;
}

function buildCandidates(t: DrgTables): bool {
  const nStep = t.nMdc > 0 ? i32At(t.mdcStepEnd, t.nMdc - 1) : 0;
  const mw = (t.nMdc + 31) >> 5;
  const sw = (nStep + 31) >> 5;
  t.mdcWords = mw;
  t.stepWords = sw;
  t.mdcCandDx = allocCandidates(t, t.dxRowCount, mw, t.nMdc);
  t.mdcCandProc = allocCandidates(t, t.procRowCount, mw, t.nMdc);
  t.mdcNeedsProc = allocBits(t, <usize>mw << 2, 0);
  t.stepCandDx = allocCandidates(t, t.dxRowCount, sw, nStep);
  t.stepCandProc = allocCandidates(t, t.procRowCount, sw, nStep);
  t.stepNeedsProc = allocBits(t, <usize>sw << 2, 0);
  if (t.mdcCandDx == 0 || t.mdcCandProc == 0 || t.mdcNeedsProc == 0 || t.stepCandDx == 0 || t.stepCandProc == 0 || t.stepNeedsProc == 0) return false;
  for (let m = 0; m < t.nMdc; m++) {
    markNeeds(t, i32At(t.mdcGuard, m), m, mw, t.mdcCandDx, t.mdcCandProc, t.mdcNeedsProc);
    // Steps are numbered globally; each MDC's are contiguous.
    for (let s = i32At(t.mdcStepStart, m); s < i32At(t.mdcStepEnd, m); s++) {
      markNeeds(t, i32At(t.stepWhen, s), s, sw, t.stepCandDx, t.stepCandProc, t.stepNeedsProc);
      if (<i32>load<u8>(t.stepKind + <usize>s) == STEP_ADRG && i32At(t.stepEntry, s) >= 0) {
        markNeeds(t, i32At(t.adrgWhen, i32At(t.stepEntry, s)), s, sw, t.stepCandDx, t.stepCandProc, t.stepNeedsProc);
      }
    }
  }
  return true;
}

/**
 * Derives, for a host-filled DrgTables block: membership rows, the fused program, candidate sets.
 * Returns 0, or 1 when out of memory (the host then calls drgTablesRelease).
 */
export function drgTablesInit(handle: usize): i32 {
  const t = changetype<DrgTables>(handle);
  t.derivedBytes = 0;
  const infoBytes = <usize>max(t.nList, 1) * LIST_INFO_BYTES;
  const info = heap.alloc(infoBytes);
  if (info == 0) return 1;
  memory.fill(info, 0, infoBytes);
  t.listInfo = info;
  t.derivedBytes += <i32>infoBytes;
  if (!buildRows(t, LIST_SPACE_DX, t.nDx, info) || !buildRows(t, LIST_SPACE_PROC, t.nProc, info)) return 1;

  const n = t.progLength;
  const progBytes = <usize>max(n, 1) << 2;
  const q = heap.alloc(progBytes);
  if (q == 0) return 1;
  t.fast = q;
  t.derivedBytes += <i32>progBytes;
  const p = t.prog;
  memory.copy(q, p, <usize>n << 2);
  for (let pc = 0; pc < n; pc += opLength(p, pc)) {
    const op = i32At(p, pc);
    if (op == OP_IN_PDX || op == OP_IN_PPROC) {
      store<i32>(q + (<usize>(pc + 1) << 2), listInfoAt(info, i32At(p, pc + 1)).bit);
      if (op == OP_IN_PDX) fuse(t, p, q, pc, OP_IN_PDX_RET, OP_IN_PDX_JFRET, OP_IN_PDX_JF);
      else fuse(t, p, q, pc, OP_IN_PPROC_RET, OP_IN_PPROC_JFRET, OP_IN_PPROC_JF);
    } else if (op == OP_PRESENT) {
      fuse(t, p, q, pc, OP_PRESENT_RET, OP_PRESENT_JFRET, OP_PRESENT_JF);
    }
  }
  return buildCandidates(t) ? 0 : 1;
}

/** Frees what drgTablesInit built (the host frees its own blocks and the handle). */
export function drgTablesRelease(handle: usize): void {
  const t = changetype<DrgTables>(handle);
  if (t.fast != 0) heap.free(t.fast);
  if (t.listInfo != 0) heap.free(t.listInfo);
  if (t.dxIndex != 0) heap.free(t.dxIndex);
  if (t.dxRows != 0) heap.free(t.dxRows);
  if (t.procIndex != 0) heap.free(t.procIndex);
  if (t.procRows != 0) heap.free(t.procRows);
  if (t.mdcCandDx != 0) heap.free(t.mdcCandDx);
  if (t.mdcCandProc != 0) heap.free(t.mdcCandProc);
  if (t.mdcNeedsProc != 0) heap.free(t.mdcNeedsProc);
  if (t.stepCandDx != 0) heap.free(t.stepCandDx);
  if (t.stepCandProc != 0) heap.free(t.stepCandProc);
  if (t.stepNeedsProc != 0) heap.free(t.stepNeedsProc);
  t.mdcCandDx = 0;
  t.mdcCandProc = 0;
  t.mdcNeedsProc = 0;
  t.stepCandDx = 0;
  t.stepCandProc = 0;
  t.stepNeedsProc = 0;
  t.fast = 0;
  t.listInfo = 0;
  t.dxIndex = 0;
  t.dxRows = 0;
  t.procIndex = 0;
  t.procRows = 0;
  t.derivedBytes = 0;
}
