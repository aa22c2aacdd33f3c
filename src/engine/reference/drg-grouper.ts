// The plain-TypeScript DRG grouper (domain §2) over compiled tables and typed case columns: the oracle
// the Wasm core is tested against and the baseline it is benchmarked against. No strings, no per-case
// objects in the grouping loop; `explainDrg` is the per-case, allocating trace of the same flow.
import * as codes from '../../../assembly/rule-codes.ts';
import { ADRG_KIND, CMP_OP_NAMES, FIELD_NAMES, type CompiledRuleset } from '../../rules/ruleset-compile.ts';
import { REASON_NAMES, type ReasonName } from '../../rules/ruleset-format.ts';
import type { CaseColumns } from '../../rules/case-encoding.ts';

// Module-level copies of the shared codes: V8 folds these in the hot switches, where it would load an imported
// binding at every case label (measured: the reference grouper 7–12 % slower with the imports used directly).
const {
  ALWAYS, NO_CODE, UNKNOWN_CODE, UNGROUPED, STEP_AMBIGUITY, FLAG_RETRY_EACH_OTHER_PROC, SEVERITY_MCC, SEVERITY_CC, SEVERITY_NONE,
  SEVERITY_NOT_CC, REASON_GROUPED, REASON_MISSING_PRINCIPAL_DX, REASON_UNKNOWN_PRINCIPAL_DX, REASON_NO_MDC, REASON_NO_ADRG,
  REASON_AMBIGUOUS, FIELD_AGE_YEARS, FIELD_AGE_DAYS, FIELD_BIRTH_WEIGHT_G, FIELD_SEX, FIELD_LOS, FIELD_DISCHARGE_STATUS,
  FIELD_DX_COUNT, FIELD_PROC_COUNT, FIELD_ICU_HOURS, FIELD_DEPARTMENT, FIELD_PRINCIPAL_DX, FIELD_PRINCIPAL_PROC, FIELD_ALL_DX, FIELD_SECONDARY_DX, FIELD_ALL_PROCS,
  FIELD_OTHER_PROCS, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, NULL_TEST_MISSING, NULL_TEST_NEVER,
  OP_END, OP_TRUE, OP_FALSE, OP_NOT, OP_JF, OP_JT, OP_IN_PDX, OP_IN_PPROC, OP_ANY_IN, OP_CMP, OP_CMP_NULL, OP_CMP_FIELD,
  OP_PRESENT, OP_HITS, OP_HAS_MCC, OP_HAS_CC, OP_ONE_OF, REASON_NO_ADRG: NO_ADRG_REASON,
} = codes;

/** DRG / ADRG / MDC id when the case is not grouped (0000), and the severity column's values (§2.6). */
export { SEVERITY_CC, SEVERITY_MCC, SEVERITY_NONE, UNGROUPED } from '../../../assembly/rule-codes.ts';

export interface DrgOutput {
  /** MDC index (order of the ruleset), UNGROUPED for 0000. */
  mdc: Int32Array;
  adrg: Int32Array;
  drg: Int32Array;
  severity: Uint8Array;
  /** Index within the case's secondary diagnoses of the MCC/CC that set severity, -1 if none. */
  severityDx: Int32Array;
  reason: Uint8Array;
}

export function allocDrgOutput(n: number): DrgOutput {
  return {
    mdc: new Int32Array(n), adrg: new Int32Array(n), drg: new Int32Array(n),
    severity: new Uint8Array(n), severityDx: new Int32Array(n), reason: new Uint8Array(n),
  };
}

/** Groups cases [from, to) into `out` (allocated when not given). */
export function groupDrg(compiled: CompiledRuleset, cols: CaseColumns, out: DrgOutput = allocDrgOutput(cols.n), from = 0, to = cols.n): DrgOutput {
  const m = new DrgMachine(compiled, cols);
  for (let i = from; i < to; i++) {
    m.groupCase(i, null);
    out.mdc[i] = m.outMdc;
    out.adrg[i] = m.outAdrg;
    out.drg[i] = m.outDrg;
    out.severity[i] = m.severity;
    out.severityDx[i] = m.severityDx;
    out.reason[i] = m.reason;
  }
  return out;
}

// ----- explain ---------------------------------------------------------------------------------------

/** One decision of the trace, for the UI to render in zh or en. */
export interface TraceRecord {
  step: 'input' | 'check' | 'severity' | 'mdc' | 'adrg_step' | 'adrg' | 'ambiguity' | 'split' | 'fallback' | 'retry' | 'result';
  /** The rule tried: MDC / ADRG / DRG code, `checks[i]`, or the secondary-dx position. */
  rule: string;
  /** What was looked at: usually the principal diagnosis or the code in question. */
  subject: string;
  outcome: 'match' | 'fail' | 'mcc' | 'cc' | 'excluded' | 'none' | 'grouped' | 'ungrouped';
  /** Machine-readable why: condition shape (`principal_dx`, `principal_proc`, `proc_combination`, …) or reason name. */
  reason: string;
  detail: Record<string, unknown>;
}

/** One tested leaf of a condition, in evaluation order (short-circuited leaves are absent). */
export interface LeafRecord {
  test: string;
  field?: string;
  list?: string;
  op?: string;
  value?: unknown;
  against?: unknown;
  matched?: string;
  result: boolean;
}

export interface DrgExplanation {
  mdc: string;
  adrg: string;
  drg: string;
  severity: number;
  reason: ReasonName;
  records: TraceRecord[];
}

/** The trace of every decision for one case: same flow as groupDrg, recorded. */
export function explainDrg(compiled: CompiledRuleset, caseIndex: number, cols: CaseColumns): DrgExplanation {
  const m = new DrgMachine(compiled, cols);
  const records: TraceRecord[] = [];
  m.groupCase(caseIndex, records);
  const s = compiled.strings;
  return {
    mdc: m.outMdc >= 0 ? s.mdcCodes[m.outMdc]! : '0000',
    adrg: m.outAdrg >= 0 ? s.adrgCodes[m.outAdrg]! : '00',
    drg: m.outDrg >= 0 ? s.drgCodes[m.outDrg]! : failCode(compiled, m.reason),
    severity: m.severity,
    reason: REASON_NAMES[m.reason]!,
    records,
  };
}

/** Codes of a grouped result as strings (for tests, exports and the UI's page of rows). */
export function drgCodesOf(compiled: CompiledRuleset, out: DrgOutput, i: number): { mdc: string; adrg: string; drg: string } {
  const s = compiled.strings;
  return {
    mdc: out.mdc[i]! >= 0 ? s.mdcCodes[out.mdc[i]!]! : '0000',
    adrg: out.adrg[i]! >= 0 ? s.adrgCodes[out.adrg[i]!]! : '00',
    drg: out.drg[i]! >= 0 ? s.drgCodes[out.drg[i]!]! : failCode(compiled, out.reason[i]!),
  };
}

/** The DRG code of an ungrouped case: the ruleset's code for "an MDC matched, no ADRG", else for "ungroupable". */
export function failCode(compiled: CompiledRuleset, reason: number): string {
  return reason === NO_ADRG_REASON ? compiled.failCodes.mdcOnly : compiled.failCodes.ungroupable;
}

// ----- the machine -----------------------------------------------------------------------------------

/** Holds the tables and one case's state; `groupCase` is the whole §2 flow. */
class DrgMachine {
  private readonly c: CompiledRuleset;
  private readonly prog: Int32Array;
  private readonly listStart: Int32Array;
  private readonly listEnd: Int32Array;
  private readonly listIds: Int32Array;
  private readonly cols: CaseColumns;
  private readonly sec: Int32Array;
  private readonly oth: Int32Array;
  // current case
  private pdx = 0;
  private pp = 0;
  private sS = 0;
  private sE = 0;
  private oS = 0;
  private oE = 0;
  private ageY = 0;
  private ageD = 0;
  private sex = 0;
  private bw = 0;
  private los = 0;
  private ds = 0;
  private icu = 0;
  private dept = 0;
  private hasMcc = false;
  private hasCc = false;
  // results
  outMdc = UNGROUPED;
  outAdrg = UNGROUPED;
  outDrg = UNGROUPED;
  severity = SEVERITY_NONE;
  severityDx = -1;
  reason = 0;

  constructor(compiled: CompiledRuleset, cols: CaseColumns) {
    this.c = compiled;
    this.prog = compiled.tables.prog;
    this.listStart = compiled.tables.listStart;
    this.listEnd = compiled.tables.listEnd;
    this.listIds = compiled.tables.listIds;
    this.cols = cols;
    this.sec = cols.secondaryDx;
    this.oth = cols.otherProcs;
  }

  groupCase(i: number, trace: TraceRecord[] | null): void {
    const cols = this.cols;
    const t = this.c.tables;
    this.pdx = cols.principalDx[i]!;
    this.pp = cols.principalProc[i]!;
    this.sS = cols.secondaryDxOffsets[i]!;
    this.sE = cols.secondaryDxOffsets[i + 1]!;
    this.oS = cols.otherProcsOffsets[i]!;
    this.oE = cols.otherProcsOffsets[i + 1]!;
    this.ageY = cols.ageYears[i]!;
    this.ageD = cols.ageDays[i]!;
    this.sex = cols.sex[i]!;
    this.bw = cols.birthWeightG[i]!;
    this.los = cols.los[i]!;
    this.ds = cols.dischargeStatus[i]!;
    this.icu = cols.icuHours[i]!;
    this.dept = cols.department[i]!;
    this.outMdc = UNGROUPED;
    this.outAdrg = UNGROUPED;
    this.outDrg = UNGROUPED;
    if (trace) trace.push(this.inputRecord());

    this.computeSeverity(trace);
    const pdx = this.pdx;
    if (pdx === NO_CODE || pdx === UNKNOWN_CODE) {
      this.reason = pdx === NO_CODE ? REASON_MISSING_PRINCIPAL_DX : REASON_UNKNOWN_PRINCIPAL_DX;
      if (trace) trace.push(this.resultRecord());
      return;
    }
    const checkWhen = t.checkWhen;
    for (let k = 0; k < checkWhen.length; k++) {
      const hit = this.test(checkWhen[k]!, trace, 'check', k, 'check');
      if (hit) {
        this.reason = t.checkReason[k]!;
        if (trace) trace.push(this.resultRecord());
        return;
      }
    }
    let r = this.tryMdcs(trace);
    if (r !== REASON_GROUPED && r !== REASON_AMBIGUOUS && t.flags[FLAG_RETRY_EACH_OTHER_PROC] === 1 && this.oE > this.oS) {
      // Regional rule: regroup with each other procedure alone as the only procedure.
      const pp = this.pp, oS = this.oS, oE = this.oE;
      for (let k = oS; k < oE; k++) {
        this.pp = this.oth[k]!;
        this.oS = this.oE = 0;
        if (trace) trace.push({ step: 'retry', rule: '', subject: this.procCode(this.pp), outcome: 'none', reason: 'retry_each_other_procedure', detail: {} });
        const rr = this.tryMdcs(trace);
        if (rr === REASON_GROUPED || rr === REASON_AMBIGUOUS) { r = rr; break; }
      }
      this.pp = pp; this.oS = oS; this.oE = oE;
    }
    this.reason = r;
    if (trace) trace.push(this.resultRecord());
  }

  /** §2.6: the highest CC/MCC among secondary diagnoses, skipping those the principal excludes. */
  private computeSeverity(trace: TraceRecord[] | null): void {
    const t = this.c.tables;
    const sevOf = t.dxSeverity;
    const ccEx = t.dxCcExclusion;
    const pex = this.pdx >= 0 ? t.dxPrincipalExclusion[this.pdx]! : -1;
    let mccAt = -1, ccAt = -1;
    for (let k = this.sS; k < this.sE; k++) {
      const id = this.sec[k]!;
      if (id < 0) continue;
      const lv = sevOf[id]!;
      if (lv === SEVERITY_NOT_CC) continue;
      const excluded = pex >= 0 && ccEx[id] === pex;
      if (trace) trace.push(this.severityRecord(k - this.sS, id, lv, excluded, pex));
      if (excluded) continue;
      if (lv === SEVERITY_MCC) { if (mccAt < 0) mccAt = k - this.sS; }
      else if (ccAt < 0) ccAt = k - this.sS;
    }
    this.hasMcc = mccAt >= 0;
    this.hasCc = ccAt >= 0;
    this.severity = mccAt >= 0 ? SEVERITY_MCC : ccAt >= 0 ? SEVERITY_CC : SEVERITY_NONE;
    this.severityDx = mccAt >= 0 ? mccAt : ccAt;
    if (trace) trace.push({
      step: 'severity', rule: '', subject: this.dxCode(this.pdx), outcome: mccAt >= 0 ? 'mcc' : ccAt >= 0 ? 'cc' : 'none',
      reason: 'highest_remaining', detail: { severity: this.severity, secondary_index: this.severityDx, code: this.severityDx >= 0 ? this.dxCode(this.sec[this.sS + this.severityDx]!) : null },
    });
  }

  /** §2.2–2.5: MDCs in order, fall-through when no step of a matching MDC groups. */
  private tryMdcs(trace: TraceRecord[] | null): number {
    const t = this.c.tables;
    const nMdc = t.mdcGuard.length;
    let guardMatched = false;
    for (let m = 0; m < nMdc; m++) {
      if (!this.test(t.mdcGuard[m]!, trace, 'mdc', m, 'guard')) continue;
      guardMatched = true;
      const sEnd = t.mdcStepEnd[m]!;
      for (let s = t.mdcStepStart[m]!; s < sEnd; s++) {
        const target = t.stepTarget[s]!;
        if (t.stepKind[s] === STEP_AMBIGUITY) {
          if (!this.test(t.stepWhen[s]!, trace, 'ambiguity', target, 'ambiguity')) continue;
          this.outMdc = m;
          this.outAdrg = t.drgAdrg[target]!;
          this.outDrg = target;
          return REASON_AMBIGUOUS;
        }
        // The entry (ADRG row) this step tries; the case's ADRG is the step's target.
        const entry = t.stepEntry[s]!;
        const sw = t.stepWhen[s]!;
        if (sw !== ALWAYS && !this.test(sw, trace, 'adrg_step', entry, 'step')) continue;
        const aw = t.adrgWhen[entry]!;
        if (!this.test(aw, trace, 'adrg', entry, null)) continue;
        let drg = -1;
        const spEnd = t.adrgSplitEnd[entry]!;
        for (let sp = t.adrgSplitStart[entry]!; sp < spEnd; sp++) {
          if (this.test(t.splitWhen[sp]!, trace, 'split', t.splitDrg[sp]!, 'split')) { drg = t.splitDrg[sp]!; break; }
        }
        if (drg < 0) {
          drg = t.adrgFallback[entry]!;
          if (trace) trace.push({
            step: 'fallback', rule: this.c.strings.adrgCodes[target]!, subject: drg >= 0 ? this.c.strings.drgCodes[drg]! : '',
            outcome: drg >= 0 ? 'match' : 'fail', reason: drg >= 0 ? 'fallback_drg' : 'no_split_matched', detail: {},
          });
          if (drg < 0) continue;
        }
        this.outMdc = m;
        this.outAdrg = target;
        this.outDrg = drg;
        return REASON_GROUPED;
      }
    }
    return guardMatched ? REASON_NO_ADRG : REASON_NO_MDC;
  }

  /** Runs a program; with a trace, records the leaves it tested and the outcome. */
  private test(pc: number, trace: TraceRecord[] | null, step: TraceRecord['step'], ruleId: number, reason: string | null): boolean {
    if (trace === null) return pc === ALWAYS || this.run(pc);
    const s = this.c.strings;
    const isAdrg = step === 'adrg' || step === 'adrg_step';
    const rule = step === 'check' ? `checks[${ruleId}]` : step === 'mdc' ? s.mdcCodes[ruleId]!
      : isAdrg ? s.adrgCodes[this.c.tables.entryAdrg[ruleId]!]! : s.drgCodes[ruleId]!;
    const leaves: LeafRecord[] = [];
    const ok = pc === ALWAYS || this.runTraced(pc, leaves);
    trace.push({
      step, rule, subject: this.dxCode(this.pdx), outcome: ok ? 'match' : 'fail',
      reason: reason ?? this.shapeOf(pc), detail: { leaves, always: pc === ALWAYS, ...(isAdrg ? this.entryDetail(ruleId) : {}) },
    });
    return ok;
  }

  /** For an ADRG written as several entries: which one (`AH1_2`) and its place among them (2). */
  private entryDetail(entry: number): Record<string, unknown> {
    const t = this.c.tables;
    const adrg = t.entryAdrg[entry]!;
    let count = 0, ordinal = 0;
    for (let e = 0; e < t.entryAdrg.length; e++) {
      if (t.entryAdrg[e] !== adrg) continue;
      count++;
      if (e === entry) ordinal = count;
    }
    return count > 1 ? { entry: this.c.strings.entryCodes[entry], entry_ordinal: ordinal, entries: count } : {};
  }

  // ----- condition evaluation ----------------------------------------------------------------------

  private run(pc: number): boolean {
    const p = this.prog;
    let acc = true;
    for (;;) {
      switch (p[pc]) {
        case OP_END: return acc;
        case OP_TRUE: acc = true; pc += 1; break;
        case OP_FALSE: acc = false; pc += 1; break;
        case OP_NOT: acc = !acc; pc += 1; break;
        case OP_JF: pc = acc ? pc + 2 : p[pc + 1]!; break;
        case OP_JT: pc = acc ? p[pc + 1]! : pc + 2; break;
        case OP_IN_PDX: acc = this.inList(p[pc + 1]!, this.pdx); pc += 2; break;
        case OP_IN_PPROC: acc = this.inList(p[pc + 1]!, this.pp); pc += 2; break;
        case OP_ANY_IN: acc = this.anyIn(p[pc + 1]!, p[pc + 2]!) >= -1; pc += 3; break;
        case OP_CMP: acc = cmp(this.num(p[pc + 1]!), p[pc + 2]!, p[pc + 3]!); pc += 4; break;
        case OP_CMP_NULL: acc = cmpNull(this.num(p[pc + 1]!), p[pc + 2]!); pc += 3; break;
        case OP_CMP_FIELD: acc = cmp(this.num(p[pc + 1]!), p[pc + 2]!, this.num(p[pc + 3]!)); pc += 4; break;
        case OP_PRESENT: acc = this.present(p[pc + 1]!); pc += 2; break;
        case OP_HITS: acc = this.hits(pc); pc += 4 + p[pc + 3]!; break;
        case OP_HAS_MCC: acc = this.hasMcc; pc += 1; break;
        case OP_HAS_CC: acc = this.hasCc; pc += 1; break;
        case OP_ONE_OF: acc = oneOf(p, pc, this.num(p[pc + 1]!)); pc += 3 + p[pc + 2]!; break;
        default: throw new Error(`bad opcode ${p[pc]} at ${pc}`);
      }
    }
  }

  /** Same as run, recording each leaf; used by explain only. */
  private runTraced(pc: number, leaves: LeafRecord[]): boolean {
    const p = this.prog;
    const s = this.c.strings;
    let acc = true;
    for (;;) {
      const op = p[pc]!;
      switch (op) {
        case OP_END: return acc;
        case OP_TRUE: case OP_FALSE: acc = op === OP_TRUE; leaves.push({ test: acc ? 'true' : 'false', result: acc }); pc += 1; break;
        case OP_NOT: acc = !acc; leaves.push({ test: 'not', result: acc }); pc += 1; break;
        case OP_JF: pc = acc ? pc + 2 : p[pc + 1]!; break;
        case OP_JT: pc = acc ? p[pc + 1]! : pc + 2; break;
        case OP_IN_PDX: case OP_IN_PPROC: {
          const dx = op === OP_IN_PDX;
          const id = dx ? this.pdx : this.pp;
          acc = this.inList(p[pc + 1]!, id);
          leaves.push({ test: 'in', field: dx ? 'principal_dx' : 'principal_proc', list: s.listNames[p[pc + 1]!], value: dx ? this.dxCode(id) : this.procCode(id), result: acc });
          pc += 2; break;
        }
        case OP_ANY_IN: {
          const f = p[pc + 1]!;
          const at = this.anyIn(f, p[pc + 2]!);
          acc = at >= -1;
          const isDx = f === FIELD_ALL_DX || f === FIELD_SECONDARY_DX;
          const id = at === -1 ? (isDx ? this.pdx : this.pp) : at >= 0 ? (isDx ? this.sec[at]! : this.oth[at]!) : NO_CODE;
          leaves.push({ test: 'any_in', field: FIELD_NAMES[f], list: s.listNames[p[pc + 2]!], value: this.listValues(f), ...(acc ? { matched: isDx ? this.dxCode(id) : this.procCode(id) } : {}), result: acc });
          pc += 3; break;
        }
        case OP_CMP: case OP_CMP_FIELD: {
          const a = this.num(p[pc + 1]!);
          const b = op === OP_CMP ? p[pc + 3]! : this.num(p[pc + 3]!);
          acc = cmp(a, p[pc + 2]!, b);
          leaves.push({
            test: 'cmp', field: FIELD_NAMES[p[pc + 1]!], op: CMP_OP_NAMES[p[pc + 2]!], value: a < 0 ? null : a,
            against: op === OP_CMP ? b : { field: FIELD_NAMES[p[pc + 3]!], value: b < 0 ? null : b }, result: acc,
          });
          pc += 4; break;
        }
        case OP_CMP_NULL: {
          const a = this.num(p[pc + 1]!);
          acc = cmpNull(a, p[pc + 2]!);
          leaves.push({ test: 'cmp', field: FIELD_NAMES[p[pc + 1]!], op: p[pc + 2] === NULL_TEST_MISSING ? '==' : '!=', value: a < 0 ? null : a, against: null, result: acc });
          pc += 3; break;
        }
        case OP_PRESENT: acc = this.present(p[pc + 1]!); leaves.push({ test: 'present', field: FIELD_NAMES[p[pc + 1]!], result: acc }); pc += 2; break;
        case OP_HITS: {
          acc = this.hits(pc);
          const n = p[pc + 3]!;
          const hit: string[] = [];
          for (let k = 0; k < n; k++) if (this.anyIn(p[pc + 1]!, p[pc + 4 + k]!) >= -1) hit.push(s.listNames[p[pc + 4 + k]!]!);
          leaves.push({ test: 'hits_at_least', field: FIELD_NAMES[p[pc + 1]!], value: hit, against: p[pc + 2], result: acc });
          pc += 4 + n; break;
        }
        case OP_HAS_MCC: acc = this.hasMcc; leaves.push({ test: 'has_mcc', result: acc }); pc += 1; break;
        case OP_HAS_CC: acc = this.hasCc; leaves.push({ test: 'has_cc', result: acc }); pc += 1; break;
        case OP_ONE_OF: {
          const f = p[pc + 1]!;
          const a = this.num(f);
          acc = oneOf(p, pc, a);
          const values = Array.from(p.subarray(pc + 3, pc + 3 + p[pc + 2]!), (v) => this.valueText(f, v));
          leaves.push({ test: 'one_of', field: FIELD_NAMES[f], value: a < 0 ? null : this.valueText(f, a), against: values, result: acc });
          pc += 3 + p[pc + 2]!; break;
        }
        default: throw new Error(`bad opcode ${op} at ${pc}`);
      }
    }
  }

  private inList(l: number, id: number): boolean {
    if (id < 0) return false;
    const ids = this.listIds;
    let lo = this.listStart[l]!;
    let hi = this.listEnd[l]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /** Where some code of a list field is in list l: -1 the principal, ≥ 0 its flat index, -2 none. */
  private anyIn(field: number, l: number): number {
    if (field === FIELD_ALL_DX || field === FIELD_SECONDARY_DX) {
      if (field === FIELD_ALL_DX && this.inList(l, this.pdx)) return -1;
      for (let k = this.sS; k < this.sE; k++) if (this.inList(l, this.sec[k]!)) return k;
      return -2;
    }
    if (field === FIELD_ALL_PROCS && this.inList(l, this.pp)) return -1;
    for (let k = this.oS; k < this.oE; k++) if (this.inList(l, this.oth[k]!)) return k;
    return -2;
  }

  private hits(pc: number): boolean {
    const p = this.prog;
    const field = p[pc + 1]!;
    const min = p[pc + 2]!;
    const n = p[pc + 3]!;
    let count = 0;
    for (let k = 0; k < n && count < min; k++) if (this.anyIn(field, p[pc + 4 + k]!) >= -1) count++;
    return count >= min;
  }

  /** A number field; negative = missing (sex 0 counts as missing). */
  private num(f: number): number {
    switch (f) {
      case FIELD_AGE_YEARS: return this.ageY;
      case FIELD_AGE_DAYS: return this.ageD;
      case FIELD_BIRTH_WEIGHT_G: return this.bw;
      case FIELD_SEX: return this.sex === 0 ? -1 : this.sex;
      case FIELD_LOS: return this.los;
      case FIELD_DISCHARGE_STATUS: return this.ds;
      case FIELD_DX_COUNT: return (this.pdx !== NO_CODE ? 1 : 0) + this.sE - this.sS;
      case FIELD_PROC_COUNT: return (this.pp !== NO_CODE ? 1 : 0) + this.oE - this.oS;
      case FIELD_ICU_HOURS: return this.icu;
      case FIELD_DEPARTMENT: return this.dept;
      default: return -1;
    }
  }

  private present(f: number): boolean {
    switch (f) {
      case FIELD_PRINCIPAL_DX: return this.pdx !== NO_CODE;
      case FIELD_PRINCIPAL_PROC: return this.pp !== NO_CODE;
      case FIELD_ALL_DX: return this.pdx !== NO_CODE || this.sE > this.sS;
      case FIELD_SECONDARY_DX: return this.sE > this.sS;
      case FIELD_ALL_PROCS: return this.pp !== NO_CODE || this.oE > this.oS;
      case FIELD_OTHER_PROCS: return this.oE > this.oS;
      default: return this.num(f) > 0;
    }
  }

  // ----- explain helpers (allocate; never called while grouping without a trace) ------------------

  /** A compared value as a coder reads it: department value ids as their text (0: another department). */
  private valueText(f: number, v: number): number | string {
    if (f !== FIELD_DEPARTMENT) return v;
    return v > 0 ? this.c.strings.departments[v - 1] ?? String(v) : 'other';
  }

  private dxCode(id: number): string {
    return id >= 0 ? this.c.strings.dxCodes[id]! : id === NO_CODE ? '' : '?';
  }

  private procCode(id: number): string {
    return id >= 0 ? this.c.strings.procCodes[id]! : id === NO_CODE ? '' : '?';
  }

  private listValues(f: number): string[] {
    const out: string[] = [];
    if (f === FIELD_ALL_DX || f === FIELD_SECONDARY_DX) {
      if (f === FIELD_ALL_DX && this.pdx !== NO_CODE) out.push(this.dxCode(this.pdx));
      for (let k = this.sS; k < this.sE; k++) out.push(this.dxCode(this.sec[k]!));
    } else {
      if (f === FIELD_ALL_PROCS && this.pp !== NO_CODE) out.push(this.procCode(this.pp));
      for (let k = this.oS; k < this.oE; k++) out.push(this.procCode(this.oth[k]!));
    }
    return out;
  }

  /** What an ADRG condition tests, for the trace: principal dx, principal proc, both, or a procedure combination. */
  private shapeOf(pc: number): string {
    if (pc === ALWAYS) return 'always';
    const p = this.prog;
    let pdx = false, pproc = false, combo = 0, other = false;
    for (let i = pc; p[i] !== OP_END;) {
      const op = p[i]!;
      if (op === OP_IN_PDX) pdx = true;
      else if (op === OP_IN_PPROC) pproc = true;
      else if (op === OP_ANY_IN) { if (p[i + 1] === FIELD_ALL_PROCS || p[i + 1] === FIELD_OTHER_PROCS) combo++; else other = true; }
      else if (op !== OP_JF && op !== OP_JT && op !== OP_PRESENT && op !== OP_NOT && op !== OP_TRUE && op !== OP_FALSE) other = true;
      i += opLength(p, i);
    }
    if (combo >= 2) return pdx ? 'principal_dx_and_proc_combination' : 'proc_combination';
    if (pproc) return pdx ? 'principal_dx_and_principal_proc' : 'principal_proc';
    if (pdx) return other ? 'principal_dx_and_more' : 'principal_dx';
    return combo === 1 ? 'any_proc' : 'other';
  }

  private inputRecord(): TraceRecord {
    return {
      step: 'input', rule: '', subject: this.dxCode(this.pdx), outcome: 'none', reason: 'case',
      detail: {
        principal_dx: this.dxCode(this.pdx), secondary_dx: this.listValues(FIELD_SECONDARY_DX),
        principal_proc: this.procCode(this.pp), other_procs: this.listValues(FIELD_OTHER_PROCS),
        age_years: nullIfMissing(this.ageY), age_days: nullIfMissing(this.ageD), sex: this.sex || null,
        birth_weight_g: nullIfMissing(this.bw), los: nullIfMissing(this.los), discharge_status: nullIfMissing(this.ds),
        icu_hours: nullIfMissing(this.icu), department: this.dept < 0 ? null : this.valueText(FIELD_DEPARTMENT, this.dept),
      },
    };
  }

  private severityRecord(index: number, id: number, lv: number, excluded: boolean, pex: number): TraceRecord {
    const t = this.c.tables;
    const s = this.c.strings;
    const table = t.dxCcExclusion[id]!;
    return {
      step: 'severity', rule: `secondary_dx[${index}]`, subject: this.dxCode(id),
      outcome: excluded ? 'excluded' : lv === SEVERITY_MCC ? 'mcc' : 'cc',
      reason: excluded ? 'excluded_by_principal' : lv === SEVERITY_MCC ? 'is_mcc' : 'is_cc',
      detail: {
        level: lv === SEVERITY_MCC ? 'mcc' : 'cc', exclusion_table: table >= 0 ? s.exclusionTables[table] : null,
        principal_dx: this.dxCode(this.pdx), principal_exclusion_table: pex >= 0 ? s.exclusionTables[pex] : null,
      },
    };
  }

  private resultRecord(): TraceRecord {
    const s = this.c.strings;
    const grouped = this.reason === REASON_GROUPED || this.reason === REASON_AMBIGUOUS;
    return {
      step: 'result', rule: this.outDrg >= 0 ? s.drgCodes[this.outDrg]! : failCode(this.c, this.reason), subject: this.dxCode(this.pdx),
      outcome: grouped ? 'grouped' : 'ungrouped', reason: REASON_NAMES[this.reason]!,
      detail: {
        mdc: this.outMdc >= 0 ? s.mdcCodes[this.outMdc] : '0000',
        adrg: this.outAdrg >= 0 ? s.adrgCodes[this.outAdrg] : '00',
        adrg_kind: this.outAdrg >= 0 ? ADRG_KIND_NAMES[this.c.tables.adrgKind[this.outAdrg]!] : null,
        drg: this.outDrg >= 0 ? s.drgCodes[this.outDrg] : failCode(this.c, this.reason),
        severity: this.severity,
      },
    };
  }
}

const ADRG_KIND_NAMES = Object.keys(ADRG_KIND);

/** Missing (negative) compares false, except `!=` which is true. */
function cmp(a: number, op: number, b: number): boolean {
  if (a < 0 || b < 0) return op === CMP_NE;
  switch (op) {
    case CMP_EQ: return a === b;
    case CMP_NE: return a !== b;
    case CMP_LT: return a < b;
    case CMP_LE: return a <= b;
    case CMP_GT: return a > b;
    default: return a >= b; // CMP_GE
  }
}

/** OP_ONE_OF at pc: value a (missing: never) is one of the n values that follow. */
function oneOf(p: Int32Array, pc: number, a: number): boolean {
  if (a < 0) return false;
  const end = pc + 3 + p[pc + 2]!;
  for (let k = pc + 3; k < end; k++) if (p[k] === a) return true;
  return false;
}

/** The CMP_NULL test: field == null (missing), field != null (given), or another op against null (never). */
function cmpNull(a: number, nullTest: number): boolean {
  return nullTest === NULL_TEST_NEVER ? false : (a < 0) === (nullTest === NULL_TEST_MISSING);
}

function nullIfMissing(v: number): number | null {
  return v < 0 ? null : v;
}

/** Instruction length, for walking a program without running it. */
export function opLength(p: Int32Array, pc: number): number {
  switch (p[pc]) {
    case OP_JF: case OP_JT: case OP_IN_PDX: case OP_IN_PPROC: case OP_PRESENT: return 2;
    case OP_ANY_IN: case OP_CMP_NULL: return 3;
    case OP_CMP: case OP_CMP_FIELD: return 4;
    case OP_HITS: return 4 + p[pc + 3]!;
    case OP_ONE_OF: return 3 + p[pc + 2]!;
    default: return 1;
  }
}
