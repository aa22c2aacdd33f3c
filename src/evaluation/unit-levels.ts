// The organisational levels §5 evaluates, from the widest to the narrowest: the unit columns of a case.
// Engine, CLI and pages all name levels by these words.

/** The evaluated units of §5, from the widest to the narrowest. */
export const UNIT_LEVELS = ['hospital', 'department', 'ward', 'physician'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];
