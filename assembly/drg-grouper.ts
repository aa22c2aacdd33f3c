// The DRG decision flow (domain §2) over compiled tables and case id columns in linear memory: the same
// algorithm as src/engine/reference/drg-grouper.ts, output for output. No strings, no allocation here.
import {
  ALWAYS, NO_CODE, UNKNOWN_CODE, UNGROUPED, STEP_AMBIGUITY, SEVERITY_MCC, SEVERITY_CC, SEVERITY_NONE, SEVERITY_NOT_CC,
  REASON_GROUPED, REASON_MISSING_PRINCIPAL_DX, REASON_UNKNOWN_PRINCIPAL_DX, REASON_NO_MDC, REASON_NO_ADRG, REASON_AMBIGUOUS,
  FIELD_AGE_YEARS, FIELD_AGE_DAYS, FIELD_BIRTH_WEIGHT_G, FIELD_SEX, FIELD_LOS, FIELD_DISCHARGE_STATUS, FIELD_DX_COUNT,
  FIELD_PROC_COUNT, FIELD_ICU_HOURS, FIELD_DEPARTMENT, FIELD_PRINCIPAL_DX, FIELD_PRINCIPAL_PROC, FIELD_ALL_DX, FIELD_SECONDARY_DX, FIELD_ALL_PROCS,
  FIELD_OTHER_PROCS, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, NULL_TEST_MISSING, NULL_TEST_NEVER,
  OP_END, OP_TRUE, OP_FALSE, OP_NOT, OP_JF, OP_JT, OP_IN_PDX, OP_IN_PPROC, OP_ANY_IN, OP_CMP, OP_CMP_NULL, OP_CMP_FIELD,
  OP_PRESENT, OP_HITS, OP_HAS_MCC, OP_HAS_CC, OP_ONE_OF,
} from './rule-codes';
import {
  DrgTables, listInfoAt, OP_IN_PDX_RET, OP_IN_PDX_JFRET, OP_IN_PDX_JF, OP_IN_PPROC_RET, OP_IN_PPROC_JFRET,
  OP_IN_PPROC_JF, OP_PRESENT_RET, OP_PRESENT_JFRET, OP_PRESENT_JF,
} from './rule-tables';

/** Case columns, placed by the host (word-for-word CaseColumns of src/rules/case-encoding.ts). */
@unmanaged
export class DrgCases {
  principalDx: usize = 0; // i32 dx id; -1 no code, -2 unknown
  secondaryDx: usize = 0; // i32, flat
  secondaryDxOffsets: usize = 0; // i32, n + 1
  principalProc: usize = 0; // i32
  otherProcs: usize = 0; // i32, flat
  otherProcsOffsets: usize = 0; // i32, n + 1
  ageYears: usize = 0; // i32, -1 missing
  ageDays: usize = 0; // i32
  sex: usize = 0; // u8: 1 male, 2 female, 0 unknown
  birthWeightG: usize = 0; // i32
  los: usize = 0; // i32
  dischargeStatus: usize = 0; // i32
  icuHours: usize = 0; // i32, whole hours, -1 missing
  department: usize = 0; // i32 department value id, -1 missing
}

/** Output columns (DrgOutput): 18 bytes per case. */
@unmanaged
export class DrgOut {
  mdc: usize = 0; // i32
  adrg: usize = 0; // i32
  drg: usize = 0; // i32
  severity: usize = 0; // u8
  severityDx: usize = 0; // i32
  reason: usize = 0; // u8
}

export function drgCasesWords(): i32 {
  return <i32>(offsetof<DrgCases>() >> 2);
}

export function drgOutWords(): i32 {
  return <i32>(offsetof<DrgOut>() >> 2);
}

// Table pointers, copied from the handle once per call (globals: the hot functions read them directly).
let gProg: usize = 0;
let gListInfo: usize = 0;
let gDxIndex: usize = 0;
let gDxRows: usize = 0;
let gDxStride: usize = 0;
let gNDx: i32 = 0;
let gProcIndex: usize = 0;
let gProcRows: usize = 0;
let gProcStride: usize = 0;
let gNProc: i32 = 0;
let gSec: usize = 0;
let gOth: usize = 0;

// The current case.
let cPdx: i32 = 0;
let cPp: i32 = 0;
let cSecStart: i32 = 0;
let cSecEnd: i32 = 0;
let cOthStart: i32 = 0;
let cOthEnd: i32 = 0;
let cAgeY: i32 = 0;
let cAgeD: i32 = 0;
let cSex: i32 = 0;
let cBw: i32 = 0;
let cLos: i32 = 0;
let cDs: i32 = 0;
let cIcu: i32 = 0;
let cDept: i32 = 0;
/** Membership rows of the principal diagnosis and procedure (the zero row when absent or unknown). */
let cPdxRow: usize = 0;
let cPdxRowIdx: i32 = 0;
let cPpRowIdx: i32 = 0;
let cPpRow: usize = 0;
let cHasMcc: bool = false;
let cHasCc: bool = false;
// Results of tryMdcs.
let rMdc: i32 = UNGROUPED;
let rAdrg: i32 = UNGROUPED;
let rDrg: i32 = UNGROUPED;

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

@inline function rowBit(row: usize, bit: i32): bool {
  return ((load<u32>(row + (<usize>(<u32>bit >> 5) << 2)) >>> (<u32>bit & 31)) & 1) != 0;
}

/** id ∈ list l: one bit of id's membership row (ids outside the code space, e.g. -1/-2, are in no list). */
@inline function inList(l: i32, id: i32): bool {
  const info = listInfoAt(gListInfo, l);
  if (<u32>id >= <u32>info.n) return false;
  const row = <usize>load<i32>(info.index + (<usize>id << 2));
  return rowBit(info.rows + row * <usize>info.stride, info.bit);
}

/** Index of a dx id's distinct membership row (ids outside the code space get the zero row). */
@inline function dxRowIndex(id: i32): i32 {
  return i32At(gDxIndex, <u32>id < <u32>gNDx ? id : gNDx);
}

/** Sets the principal procedure and its membership row. */
@inline function setPrincipalProc(id: i32): void {
  cPp = id;
  cPpRowIdx = i32At(gProcIndex, <u32>id < <u32>gNProc ? id : gNProc);
  cPpRow = gProcRows + <usize>cPpRowIdx * gProcStride;
}

/** Whether some code of a list field is in list l. */
function anyIn(field: i32, l: i32): bool {
  if (field == FIELD_ALL_DX || field == FIELD_SECONDARY_DX) {
    if (field == FIELD_ALL_DX && inList(l, cPdx)) return true;
    for (let k = cSecStart; k < cSecEnd; k++) if (inList(l, i32At(gSec, k))) return true;
    return false;
  }
  if (field == FIELD_ALL_PROCS && inList(l, cPp)) return true;
  for (let k = cOthStart; k < cOthEnd; k++) if (inList(l, i32At(gOth, k))) return true;
  return false;
}

function hits(pc: i32): bool {
  const field = i32At(gProg, pc + 1);
  const min = i32At(gProg, pc + 2);
  const n = i32At(gProg, pc + 3);
  let count = 0;
  for (let k = 0; k < n && count < min; k++) if (anyIn(field, i32At(gProg, pc + 4 + k))) count++;
  return count >= min;
}

/** A number field; negative = missing (sex 0 counts as missing). */
function num(f: i32): i32 {
  switch (f) {
    case FIELD_AGE_YEARS: return cAgeY;
    case FIELD_AGE_DAYS: return cAgeD;
    case FIELD_BIRTH_WEIGHT_G: return cBw;
    case FIELD_SEX: return cSex == 0 ? -1 : cSex;
    case FIELD_LOS: return cLos;
    case FIELD_DISCHARGE_STATUS: return cDs;
    case FIELD_DX_COUNT: return (cPdx != NO_CODE ? 1 : 0) + cSecEnd - cSecStart;
    case FIELD_PROC_COUNT: return (cPp != NO_CODE ? 1 : 0) + cOthEnd - cOthStart;
    case FIELD_ICU_HOURS: return cIcu;
    case FIELD_DEPARTMENT: return cDept;
    default: return -1;
  }
}

function present(f: i32): bool {
  switch (f) {
    case FIELD_PRINCIPAL_DX: return cPdx != NO_CODE;
    case FIELD_PRINCIPAL_PROC: return cPp != NO_CODE;
    case FIELD_ALL_DX: return cPdx != NO_CODE || cSecEnd > cSecStart;
    case FIELD_SECONDARY_DX: return cSecEnd > cSecStart;
    case FIELD_ALL_PROCS: return cPp != NO_CODE || cOthEnd > cOthStart;
    case FIELD_OTHER_PROCS: return cOthEnd > cOthStart;
    default: return num(f) > 0;
  }
}

/** Missing (negative) compares false, except `!=` which is true. */
function cmp(a: i32, op: i32, b: i32): bool {
  if (a < 0 || b < 0) return op == CMP_NE;
  switch (op) {
    case CMP_EQ: return a == b;
    case CMP_NE: return a != b;
    case CMP_LT: return a < b;
    case CMP_LE: return a <= b;
    case CMP_GT: return a > b;
    default: return a >= b; // CMP_GE
  }
}

/** OP_ONE_OF at pc: the field's value (missing: never) is one of the n values that follow. */
function oneOf(pc: i32): bool {
  const a = num(i32At(gProg, pc + 1));
  if (a < 0) return false;
  const end = pc + 3 + i32At(gProg, pc + 2);
  for (let k = pc + 3; k < end; k++) if (i32At(gProg, k) == a) return true;
  return false;
}

/** Runs a condition program (OP in ruleset-compile.ts: one accumulator, jumps for and/or), fused form. */
function run(pc: i32): bool {
  const p = gProg;
  let acc = true;
  while (true) {
    const op = i32At(p, pc);
    switch (op) {
      case OP_END: return acc;
      case OP_TRUE: acc = true; pc += 1; break;
      case OP_FALSE: acc = false; pc += 1; break;
      case OP_NOT: acc = !acc; pc += 1; break;
      case OP_JF: pc = acc ? pc + 2 : i32At(p, pc + 1); break;
      case OP_JT: pc = acc ? i32At(p, pc + 1) : pc + 2; break;
      case OP_IN_PDX_RET: return rowBit(cPdxRow, i32At(p, pc + 1));
      case OP_IN_PDX_JFRET: if (!rowBit(cPdxRow, i32At(p, pc + 1))) return false; acc = true; pc += 4; break;
      case OP_IN_PDX_JF: acc = rowBit(cPdxRow, i32At(p, pc + 1)); pc = acc ? pc + 4 : i32At(p, pc + 3); break;
      case OP_IN_PDX: acc = rowBit(cPdxRow, i32At(p, pc + 1)); pc += 2; break;
      case OP_IN_PPROC_RET: return rowBit(cPpRow, i32At(p, pc + 1));
      case OP_IN_PPROC_JFRET: if (!rowBit(cPpRow, i32At(p, pc + 1))) return false; acc = true; pc += 4; break;
      case OP_IN_PPROC_JF: acc = rowBit(cPpRow, i32At(p, pc + 1)); pc = acc ? pc + 4 : i32At(p, pc + 3); break;
      case OP_IN_PPROC: acc = rowBit(cPpRow, i32At(p, pc + 1)); pc += 2; break;
      case OP_PRESENT_RET: return present(i32At(p, pc + 1));
      case OP_PRESENT_JFRET: if (!present(i32At(p, pc + 1))) return false; acc = true; pc += 4; break;
      case OP_PRESENT_JF: acc = present(i32At(p, pc + 1)); pc = acc ? pc + 4 : i32At(p, pc + 3); break;
      case OP_ANY_IN: acc = anyIn(i32At(p, pc + 1), i32At(p, pc + 2)); pc += 3; break;
      case OP_CMP: acc = cmp(num(i32At(p, pc + 1)), i32At(p, pc + 2), i32At(p, pc + 3)); pc += 4; break;
      case OP_CMP_NULL: {
        const nullTest = i32At(p, pc + 2);
        acc = nullTest == NULL_TEST_NEVER ? false : (num(i32At(p, pc + 1)) < 0) == (nullTest == NULL_TEST_MISSING);
        pc += 3; break;
      }
      case OP_CMP_FIELD: acc = cmp(num(i32At(p, pc + 1)), i32At(p, pc + 2), num(i32At(p, pc + 3))); pc += 4; break;
      case OP_PRESENT: acc = present(i32At(p, pc + 1)); pc += 2; break;
      case OP_HITS: acc = hits(pc); pc += 4 + i32At(p, pc + 3); break;
      case OP_HAS_MCC: acc = cHasMcc; pc += 1; break;
      case OP_HAS_CC: acc = cHasCc; pc += 1; break;
      case OP_ONE_OF: acc = oneOf(pc); pc += 3 + i32At(p, pc + 2); break;
      default: return false; // never emitted by the compiler
    }
  }
}

/** A condition at pc (ALWAYS = true). The commonest whole programs — `principal_dx in list`, and a
 * procedure test on a case without procedures — are answered here without entering the interpreter. */
@inline function test(pc: i32): bool {
  if (pc == ALWAYS) return true;
  const op = i32At(gProg, pc);
  if (op == OP_IN_PDX_RET) return rowBit(cPdxRow, i32At(gProg, pc + 1));
  if (op == OP_PRESENT_JFRET && !present(i32At(gProg, pc + 1))) return false;
  return run(pc);
}

/**
 * §2.2–2.5: MDCs in order, fall-through when no step of a matching MDC groups. Sets rMdc/rAdrg/rDrg.
 * MDCs and steps whose leading tests surely fail for this case (DrgTables.mdcCandDx…) are skipped.
 */
function tryMdcs(t: DrgTables): i32 {
  // present(all_procs) is false: every test needing a procedure fails.
  const noProc = cPp == NO_CODE && cOthEnd <= cOthStart;
  const mw = <usize>t.mdcWords << 2;
  const sw = <usize>t.stepWords << 2;
  const mdcDx = t.mdcCandDx + <usize>cPdxRowIdx * mw;
  const mdcProc = t.mdcCandProc + <usize>cPpRowIdx * mw;
  const stepDx = t.stepCandDx + <usize>cPdxRowIdx * sw;
  const stepProc = t.stepCandProc + <usize>cPpRowIdx * sw;
  let guardMatched = false;
  for (let w: usize = 0; w < mw; w += 4) {
    let bits = load<u32>(mdcDx + w) & load<u32>(mdcProc + w);
    if (noProc) bits &= ~load<u32>(t.mdcNeedsProc + w);
    while (bits != 0) {
      const m = <i32>(w << 3) + <i32>ctz(bits);
      bits &= bits - 1;
      if (!test(i32At(t.mdcGuard, m))) continue;
      guardMatched = true;
      const sEnd = i32At(t.mdcStepEnd, m);
      for (let s = i32At(t.mdcStepStart, m); s < sEnd; s++) {
        const sAt = <usize>(<u32>s >> 5) << 2;
        let sb = load<u32>(stepDx + sAt) & load<u32>(stepProc + sAt);
        if (noProc) sb &= ~load<u32>(t.stepNeedsProc + sAt);
        if (((sb >>> (<u32>s & 31)) & 1) == 0) continue;
        const target = i32At(t.stepTarget, s);
        if (<i32>load<u8>(t.stepKind + <usize>s) == STEP_AMBIGUITY) {
          if (!test(i32At(t.stepWhen, s))) continue;
          rMdc = m;
          rAdrg = i32At(t.drgAdrg, target);
          rDrg = target;
          return REASON_AMBIGUOUS;
        }
        // The entry (ADRG row) the step tries; the case's ADRG is the step's target.
        const entry = i32At(t.stepEntry, s);
        if (!test(i32At(t.stepWhen, s))) continue;
        if (!test(i32At(t.adrgWhen, entry))) continue;
        let drg = -1;
        const spEnd = i32At(t.adrgSplitEnd, entry);
        for (let sp = i32At(t.adrgSplitStart, entry); sp < spEnd; sp++) {
          if (test(i32At(t.splitWhen, sp))) { drg = i32At(t.splitDrg, sp); break; }
        }
        if (drg < 0) {
          drg = i32At(t.adrgFallback, entry);
          if (drg < 0) continue;
        }
        rMdc = m;
        rAdrg = target;
        rDrg = drg;
        return REASON_GROUPED;
      }
    }
  }
  return guardMatched ? REASON_NO_ADRG : REASON_NO_MDC;
}

/**
 * Groups cases [from, to): tables from drgTablesInit, cases a DrgCases block, out a DrgOut block (row i of
 * every column is case i, so a caller may group a slice in place).
 */
export function drgGroup(tables: usize, cases: usize, out: usize, from: i32, to: i32): void {
  const t = changetype<DrgTables>(tables);
  const c = changetype<DrgCases>(cases);
  const o = changetype<DrgOut>(out);
  gProg = t.fast;
  gListInfo = t.listInfo;
  gDxIndex = t.dxIndex;
  gDxRows = t.dxRows;
  gDxStride = <usize>t.dxStride;
  gNDx = t.nDx;
  gProcIndex = t.procIndex;
  gProcRows = t.procRows;
  gProcStride = <usize>t.procStride;
  gNProc = t.nProc;
  gSec = c.secondaryDx;
  gOth = c.otherProcs;
  const sevOf = t.dxSeverity;
  const ccEx = t.dxCcExclusion;
  const pEx = t.dxPrincipalExclusion;
  const nCheck = t.nCheck;
  const retry = t.retryEachOtherProc == 1;

  for (let i = from; i < to; i++) {
    const pdx = i32At(c.principalDx, i);
    cPdx = pdx;
    setPrincipalProc(i32At(c.principalProc, i));
    cPdxRowIdx = dxRowIndex(pdx);
    cPdxRow = gDxRows + <usize>cPdxRowIdx * gDxStride;
    const sS = i32At(c.secondaryDxOffsets, i);
    const sE = i32At(c.secondaryDxOffsets, i + 1);
    cSecStart = sS;
    cSecEnd = sE;
    cOthStart = i32At(c.otherProcsOffsets, i);
    cOthEnd = i32At(c.otherProcsOffsets, i + 1);
    cAgeY = i32At(c.ageYears, i);
    cAgeD = i32At(c.ageDays, i);
    cSex = <i32>load<u8>(c.sex + <usize>i);
    cBw = i32At(c.birthWeightG, i);
    cLos = i32At(c.los, i);
    cDs = i32At(c.dischargeStatus, i);
    cIcu = i32At(c.icuHours, i);
    cDept = i32At(c.department, i);

    // §2.6 severity: the first MCC, else the first CC, among secondaries the principal does not exclude.
    const pex = pdx >= 0 ? i32At(pEx, pdx) : -1;
    let mccAt = -1;
    let ccAt = -1;
    for (let k = sS; k < sE; k++) {
      const id = i32At(gSec, k);
      if (id < 0) continue;
      const lv = <i32>load<u8>(sevOf + <usize>id);
      if (lv == SEVERITY_NOT_CC) continue;
      if (pex >= 0 && i32At(ccEx, id) == pex) continue;
      if (lv == SEVERITY_MCC) { if (mccAt < 0) mccAt = k - sS; }
      else if (ccAt < 0) ccAt = k - sS;
    }
    cHasMcc = mccAt >= 0;
    cHasCc = ccAt >= 0;
    const severity = mccAt >= 0 ? SEVERITY_MCC : ccAt >= 0 ? SEVERITY_CC : SEVERITY_NONE;
    const severityDx = mccAt >= 0 ? mccAt : ccAt;

    rMdc = UNGROUPED;
    rAdrg = UNGROUPED;
    rDrg = UNGROUPED;
    let reason: i32;
    if (pdx == NO_CODE || pdx == UNKNOWN_CODE) {
      reason = pdx == NO_CODE ? REASON_MISSING_PRINCIPAL_DX : REASON_UNKNOWN_PRINCIPAL_DX;
    } else {
      reason = -1;
      for (let k = 0; k < nCheck; k++) {
        if (test(i32At(t.checkWhen, k))) { reason = <i32>load<u8>(t.checkReason + <usize>k); break; }
      }
      if (reason < 0) {
        reason = tryMdcs(t);
        if (reason != REASON_GROUPED && reason != REASON_AMBIGUOUS && retry && cOthEnd > cOthStart) {
          // Regional rule: regroup with each other procedure alone as the only procedure.
          const pp = cPp, oS = cOthStart, oE = cOthEnd;
          for (let k = oS; k < oE; k++) {
            setPrincipalProc(i32At(gOth, k));
            cOthStart = 0;
            cOthEnd = 0;
            const rr = tryMdcs(t);
            if (rr == REASON_GROUPED || rr == REASON_AMBIGUOUS) { reason = rr; break; }
          }
          setPrincipalProc(pp);
          cOthStart = oS;
          cOthEnd = oE;
        }
      }
    }
    store<i32>(o.mdc + (<usize>i << 2), rMdc);
    store<i32>(o.adrg + (<usize>i << 2), rAdrg);
    store<i32>(o.drg + (<usize>i << 2), rDrg);
    store<u8>(o.severity + <usize>i, <u8>severity);
    store<i32>(o.severityDx + (<usize>i << 2), severityDx);
    store<u8>(o.reason + <usize>i, <u8>reason);
  }
}
