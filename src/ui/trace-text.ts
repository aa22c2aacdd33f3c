// Turns the grouper's structured trace records into sentences a coder reads, in the interface language.
// The grouper decides; this only words its records (steps, leaves tested, CC/MCC with exclusion tables).
import type { LeafRecord, TraceRecord } from '../engine/reference/drg-grouper.ts';
import { hasMessage, t } from '../i18n/i18n.svelte.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';

function label(prefix: string, key: string, fallback = key): string {
  const k = `${prefix}.${key}`;
  return hasMessage(k) ? t(k as MessageKey) : fallback;
}

const fieldLabel = (f?: string) => (f ? label('field', f) : '');

/** A compared value as a coder reads it: missing, another department, or the value itself. */
function valueText(v: unknown): string {
  if (v === null || v === undefined) return t('regional.leaf.missing');
  return v === 'other' ? t('regional.leaf.otherDept') : String(v);
}

/** `one_of` (department is ICU; discharge status in {2, 5}) and `cmp` (stay 4 < 5) in words. */
function valueLeafText(l: LeafRecord, field: string): string {
  const value = valueText(l.value);
  if (l.test === 'one_of') {
    const against = (l.against as unknown[]).map(valueText);
    if (against.length === 1) return t(l.result ? 'regional.leaf.is' : 'regional.leaf.isNot', { field, against: against[0]!, value });
    return t(l.result ? 'regional.leaf.in' : 'regional.leaf.notIn', { field, value, against: against.join(', ') });
  }
  const other = l.against as { field?: string; value?: unknown } | number | null;
  const against = other !== null && typeof other === 'object' ? `${fieldLabel(other.field)} ${valueText(other.value)}` : valueText(other);
  return t('regional.leaf.cmp', { field, value, op: l.op ?? '', against, result: t(l.result ? 'trace.yes' : 'trace.no') });
}

function leafText(l: LeafRecord): string {
  const field = fieldLabel(l.field);
  const list = l.list ?? '';
  if (l.test === 'in') return t(l.result ? 'trace.leaf.in' : 'trace.leaf.notIn', { field, value: String(l.value ?? '—'), list });
  if (l.test === 'any_in') return l.result ? t('trace.leaf.anyIn', { field, matched: String(l.matched ?? ''), list }) : t('trace.leaf.noneIn', { field, list });
  if (l.test === 'one_of' || l.test === 'cmp') return valueLeafText(l, field);
  return t('trace.leaf.other', {
    test: l.test, field, op: l.op ?? '', against: l.against === undefined ? '' : String(l.against),
    result: t(l.result ? 'trace.yes' : 'trace.no'),
  });
}

export interface TraceLine {
  step: string;
  rule: string;
  outcome: string;
  failed: boolean;
  text: string;
  leaves: string[];
}

export function traceLine(r: TraceRecord): TraceLine {
  const d = r.detail as Record<string, unknown>;
  let text = label('trace.reason', r.reason);
  if (r.step === 'severity' && r.rule) {
    const params = {
      code: r.subject, level: String(d.level ?? '').toUpperCase(), table: String(d.exclusion_table ?? '—'),
      ptable: String(d.principal_exclusion_table ?? '—'), principal: String(d.principal_dx ?? ''),
    };
    text = t(r.outcome === 'excluded' ? 'trace.severity.excluded' : 'trace.severity.counted', params);
  } else if (r.step === 'severity') {
    const key = `trace.severity.result.${r.outcome === 'mcc' || r.outcome === 'cc' ? r.outcome : 'none'}` as MessageKey;
    text = t(key, { code: String(d.code ?? '') });
  } else if (r.step === 'adrg' && typeof d.entry === 'string') {
    // One ADRG written as several entries: say which definition matched (or was tried).
    text = `${text} · ${t('regional.entry', { adrg: r.rule, ordinal: Number(d.entry_ordinal), entry: d.entry, count: Number(d.entries) })}`;
  } else if (r.step === 'result') {
    text = r.outcome === 'grouped' ? '' : label('reason', r.reason); // the code is the rule; the name is in the heading
  }
  const leaves = Array.isArray(d.leaves) ? (d.leaves as LeafRecord[]).filter((l) => l.test !== 'true').map(leafText) : [];
  return {
    step: label('trace.step', r.step), rule: r.rule, outcome: label('trace.outcome', r.outcome),
    failed: r.outcome === 'fail', text, leaves,
  };
}
