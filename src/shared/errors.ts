// Errors as values the UI can show in either language: a stable code, params for the message, and where.
// Nothing here throws across the worker boundary; callers get a Result and decide what to show.

export interface ErrorLocation {
  file?: string;
  row?: number;
  column?: string;
  token?: string;
  /** A parameter or form field (e.g. `whatIf.drgBaseRateYuan.3`). */
  field?: string;
}

export interface EngineError {
  /** Stable key; the UI looks up `error.<code>` in its dictionary. */
  code: string;
  /** English fallback text, used by the CLI and logs. */
  message: string;
  params?: Record<string, string | number>;
  where?: ErrorLocation;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: EngineError[] };

export class EngineFailure extends Error {
  constructor(readonly errors: EngineError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export function fail(code: string, message: string, params?: EngineError['params'], where?: ErrorLocation): never {
  throw new EngineFailure([{ code, message, params, where }]);
}

/** Runs fn and turns an EngineFailure (or any unexpected throw) into an error Result. */
export function attempt<T>(fn: () => T, where?: ErrorLocation): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof EngineFailure) return { ok: false, errors: e.errors };
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [{ code: 'internal', message, params: { detail: message }, where }] };
  }
}
