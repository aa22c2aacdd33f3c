// A setting remembered in this browser's localStorage, which never leaves the machine (the interface language,
// the evaluation formulas, the last ruleset). In private mode, or under Node, a setting lasts for the page only.

export function readSetting(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    /* private mode: kept for this page only */
  }
}
