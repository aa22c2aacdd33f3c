// The numbers a compiled ruleset speaks in — field ids, comparison ops, opcodes, reasons, kinds — declared once.
// Plain `export const` lines, valid AssemblyScript and TypeScript: asc inlines them as compile-time constants in
// the core, and the compiler (src/rules/ruleset-compile.ts) and the reference groupers import this same file.
// It lives in assembly/ so a change here rebuilds the core. Numbers only: no types, no functions.

// ----- case fields (condition operands) --------------------------------------------------------------
// 0–9 number fields (NUMBER_FIELDS order of ruleset-format.ts), 10–11 single codes, 12–15 code lists.
// FIELD_DEPARTMENT holds a value id (compiled departments: 1… a text the rules name, 0 any other, -1 missing).
export const FIELD_AGE_YEARS = 0;
export const FIELD_AGE_DAYS = 1;
export const FIELD_BIRTH_WEIGHT_G = 2;
export const FIELD_SEX = 3;
export const FIELD_LOS = 4;
export const FIELD_DISCHARGE_STATUS = 5;
export const FIELD_DX_COUNT = 6;
export const FIELD_PROC_COUNT = 7;
export const FIELD_ICU_HOURS = 8;
export const FIELD_DEPARTMENT = 9;
export const FIELD_PRINCIPAL_DX = 10;
export const FIELD_PRINCIPAL_PROC = 11;
export const FIELD_ALL_DX = 12;
export const FIELD_SECONDARY_DX = 13;
export const FIELD_ALL_PROCS = 14;
export const FIELD_OTHER_PROCS = 15;
/** Value id of a department the rules do not name (FIELD_DEPARTMENT). */
export const DEPARTMENT_OTHER = 0;

// ----- comparison ops (CMP, CMP_FIELD), in CMP_OPS order ---------------------------------------------
export const CMP_EQ = 0;
export const CMP_NE = 1;
export const CMP_LT = 2;
export const CMP_LE = 3;
export const CMP_GT = 4;
export const CMP_GE = 5;
/** The operand of CMP_NULL: `!= null` (given), `== null` (missing), any other op against null (never). */
export const NULL_TEST_GIVEN = 0;
export const NULL_TEST_MISSING = 1;
export const NULL_TEST_NEVER = 2;

// ----- condition bytecode (operands after the opcode) ------------------------------------------------
export const OP_END = 0;
export const OP_TRUE = 1;
export const OP_FALSE = 2;
export const OP_NOT = 3;
export const OP_JF = 4; //         target            jump when the accumulator is false
export const OP_JT = 5; //         target            jump when the accumulator is true
export const OP_IN_PDX = 6; //     list
export const OP_IN_PPROC = 7; //   list
export const OP_ANY_IN = 8; //     listField list
export const OP_CMP = 9; //        field op value    missing → false, except != → true
export const OP_CMP_NULL = 10; //  field nullTest
export const OP_CMP_FIELD = 11; // field op field2   either missing → false, except != → true
export const OP_PRESENT = 12; //   field
export const OP_HITS = 13; //      listField min n list…
export const OP_HAS_MCC = 14;
export const OP_HAS_CC = 15;
export const OP_ONE_OF = 16; //    field n value…    the field equals one of n values (missing → false)

// ----- table values ----------------------------------------------------------------------------------
/** Program offset meaning "always true" (no program). */
export const ALWAYS = -1;
/** Code ids in case columns: no code given, a code the ruleset does not know. */
export const NO_CODE = -1;
export const UNKNOWN_CODE = -2;
/** listSpace: the code space a list's ids are in. */
export const LIST_SPACE_DX = 0;
export const LIST_SPACE_PROC = 1;
/** stepKind: try an ADRG (stepTarget an ADRG id), or the ambiguity group (stepTarget a DRG id). */
export const STEP_ADRG = 0;
export const STEP_AMBIGUITY = 1;
/** adrgKind. */
export const ADRG_KIND_SURGICAL = 0;
export const ADRG_KIND_NON_OR = 1;
export const ADRG_KIND_MEDICAL = 2;
export const ADRG_KIND_AMBIGUITY = 3;
/** Index in `flags` of retry_each_other_procedure (1 on). */
export const FLAG_RETRY_EACH_OTHER_PROC = 0;

// ----- DRG output (§2) -------------------------------------------------------------------------------
/** MDC / ADRG / DRG id of an ungrouped case (0000). */
export const UNGROUPED = -1;
/** Severity column (§2.6); dxSeverity uses MCC and CC too, and NOT_CC for a code that is neither. */
export const SEVERITY_MCC = 1;
export const SEVERITY_CC = 3;
export const SEVERITY_NONE = 5;
export const SEVERITY_NOT_CC = 0;
/** Reason column, REASON_CODES of ruleset-format.ts by name. */
export const REASON_GROUPED = 0;
export const REASON_MISSING_PRINCIPAL_DX = 1;
export const REASON_UNKNOWN_PRINCIPAL_DX = 2;
export const REASON_NO_MDC = 3;
export const REASON_NO_ADRG = 4;
export const REASON_SEX_CONFLICT = 5;
export const REASON_NEWBORN_ERROR = 6;
export const REASON_AGE_CONFLICT = 7;
export const REASON_INVALID_DATA = 8;
export const REASON_AMBIGUOUS = 9;

// ----- DIP (§4) --------------------------------------------------------------------------------------
/** dipGroupKind and the DIP kind column. */
export const DIP_KIND_NONE = 0;
export const DIP_KIND_CORE = 1;
export const DIP_KIND_COMPREHENSIVE = 2;
/** Procedure classes per category in dipCategoryGroup (0 conservative … 3 surgery). */
export const DIP_CLASSES = 4;
/** DIP group id of an ungrouped case. */
export const DIP_UNGROUPED = -1;
