// The 26 CHS-DRG MDCs of the teaching ruleset, in the order the grouper tries them (domain §2.2–2.4).
// Data only: which guard shape each MDC uses; the builder turns it into conditions and never adds MDCs.

/**
 * How an MDC's guard is expressed (build-demo-ruleset.ts turns these into conditions):
 * - `pre_mdc`: some procedure of the case is in the pre-MDC procedure list (transplants, ventilation
 *   ≥ 96 h, ECMO, tracheostomy) — §2.2;
 * - `newborn`: age in years 0 and (a newborn principal diagnosis, or age in days ≤ 28) — §2.3;
 * - `hiv`: HIV as principal or secondary diagnosis — §2.3;
 * - `multi_trauma`: principal diagnosis a severe injury and the diagnoses hit ≥ 2 body regions — §2.3;
 * - `dx`: principal diagnosis in the MDC's list; `dx_male` / `dx_female` add sex 1 / 2 — §2.4.
 */
export type MdcGuardKind = 'pre_mdc' | 'newborn' | 'hiv' | 'multi_trauma' | 'dx' | 'dx_male' | 'dx_female';

export interface DemoMdc {
  /** MDC letter (the rule code is `MDC` + letter). */
  letter: string;
  name: string;
  guard: MdcGuardKind;
}

/** Source of the MDC rows: order and codes checked against the national 1.1 table; names were not. */
export const MDC_SOURCE =
  'CHS-DRG 1.1 分组方案（国家医保局，2021）：MDC 编码与判定顺序已核对；中文名称据公开资料整理，unverified';

/** The national order: A, P, Y, Z, M, N, then B … X by principal diagnosis. */
export const DEMO_MDCS: readonly DemoMdc[] = [
  { letter: 'A', name: '先期分组疾病及相关操作', guard: 'pre_mdc' },
  { letter: 'P', name: '新生儿及其他围产期新生儿疾病', guard: 'newborn' },
  { letter: 'Y', name: 'HIV感染疾病及相关操作', guard: 'hiv' },
  { letter: 'Z', name: '多发严重创伤', guard: 'multi_trauma' },
  { letter: 'M', name: '男性生殖系统疾病及功能障碍', guard: 'dx_male' },
  { letter: 'N', name: '女性生殖系统疾病及功能障碍', guard: 'dx_female' },
  { letter: 'B', name: '神经系统疾病及功能障碍', guard: 'dx' },
  { letter: 'C', name: '眼疾病及功能障碍', guard: 'dx' },
  { letter: 'D', name: '头颈、耳、鼻、口、咽疾病及功能障碍', guard: 'dx' },
  { letter: 'E', name: '呼吸系统疾病及功能障碍', guard: 'dx' },
  { letter: 'F', name: '循环系统疾病及功能障碍', guard: 'dx' },
  { letter: 'G', name: '消化系统疾病及功能障碍', guard: 'dx' },
  { letter: 'H', name: '肝、胆、胰疾病及功能障碍', guard: 'dx' },
  { letter: 'I', name: '肌肉、骨骼疾病及功能障碍', guard: 'dx' },
  { letter: 'J', name: '皮肤、皮下组织及乳腺疾病及功能障碍', guard: 'dx' },
  { letter: 'K', name: '内分泌、营养、代谢疾病及功能障碍', guard: 'dx' },
  { letter: 'L', name: '肾脏及泌尿系统疾病及功能障碍', guard: 'dx' },
  { letter: 'O', name: '妊娠、分娩及产褥期', guard: 'dx' },
  { letter: 'Q', name: '血液、造血器官及免疫疾病和功能障碍', guard: 'dx' },
  { letter: 'R', name: '骨髓增生疾病和功能障碍，低分化肿瘤', guard: 'dx' },
  { letter: 'S', name: '感染及寄生虫病（全身性或不明确部位的）', guard: 'dx' },
  { letter: 'T', name: '精神疾病及功能障碍', guard: 'dx' },
  { letter: 'U', name: '酒精/药物使用及其引起的器质性精神功能障碍', guard: 'dx' },
  { letter: 'V', name: '创伤、中毒及药物毒性反应', guard: 'dx' },
  { letter: 'W', name: '烧伤', guard: 'dx' },
  { letter: 'X', name: '影响健康因素及其他就医情况', guard: 'dx' },
];

/**
 * Body regions of severe injuries for MDCZ (multiple trauma): a case needs diagnoses in at least two
 * of them. Codes are ICD-10 categories/subcategories of our teaching dictionary.
 */
export const TRAUMA_REGIONS: Readonly<Record<string, readonly string[]>> = {
  head: ['S06'],
  chest: ['S22', 'S27'],
  abdomen: ['S36', 'S37'],
  spine_pelvis: ['S12', 'S14', 'S24', 'S32', 'S34'],
  limbs: ['S42', 'S72', 'S82'],
};
export const MULTI_TRAUMA_MIN_REGIONS = 2;
