// The interface language as reactive state, and t() to look up a message with {param} substitution.
// zh-CN is the default; the choice is remembered in localStorage (which never leaves the machine).
import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';
import { readSetting, writeSetting } from '../shared/stored-setting.ts';

export type Locale = 'zh-CN' | 'en';
const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'casemix.locale';

export const i18n = $state({ locale: (readSetting(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN') as Locale });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  writeSetting(STORAGE_KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function hasMessage(key: string): key is MessageKey {
  return key in zhCN;
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[i18n.locale][key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}
