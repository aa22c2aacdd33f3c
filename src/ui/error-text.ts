// An engine error or a scenario problem as text in the interface language: `error.<code>` filled with its params
// (a context's own wording first, where it has one), else the engine's English message. Never throws.
import type { EngineError } from '../shared/errors.ts';
import { hasMessage, t } from '../i18n/i18n.svelte.ts';

/** What is read of an error: an EngineError and a ScenarioProblem both fit. */
export type ErrorLike = Pick<EngineError, 'code' | 'message' | 'params'> & { where?: { field?: string } };

/** The Evaluation page words its own codes, and a benchmark file's (a file without rows is not a case file there). */
export type ErrorContext = 'evaluation';

export function errorText(e: ErrorLike, context?: ErrorContext): string {
  const params = messageParams(e);
  if (context === 'evaluation') {
    const own = `evaluation.msg.${e.code.replace(/^evaluation\./, '')}`;
    if (hasMessage(own)) return t(own, params);
  }
  const key = `error.${e.code}`;
  return hasMessage(key) ? t(key, params) : e.message;
}

/** The params as the messages use them: a unit level in words, the DRG code a weight-override field names. */
function messageParams(e: ErrorLike): Record<string, string | number> {
  const field = e.where?.field ?? String(e.params?.field ?? '');
  const code = /drgWeightOverrides\.(.+)$/.exec(field)?.[1];
  const params: Record<string, string | number> = { ...(code ? { code } : {}), ...e.params };
  const levelKey = `evaluation.level.${params.level}`;
  if (typeof params.level === 'string' && hasMessage(levelKey)) params.level = t(levelKey);
  return params;
}
