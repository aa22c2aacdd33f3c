// Rulesets the user imported, kept in this browser's IndexedDB so a region's tables are imported once.
// Runs in the engine worker (IndexedDB is there too): the page never holds a ruleset's text.
import type { RulesetInfo } from '../src/engine/ruleset-loading.ts';

const DB_NAME = 'casemix-workbench';
const DB_VERSION = 1;
const META = 'ruleset-meta';
const TEXT = 'ruleset-text';

export interface StoredRuleset {
  id: number;
  file: string;
  name: string;
  version: string;
  region?: string;
  teachingOnly: boolean;
  /** Size of the stored file text in bytes (UTF-8). */
  bytes: number;
  addedAt: string;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      // Metadata apart from the text, so listing never reads megabytes of rules.
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'id', autoIncrement: true });
      if (!db.objectStoreNames.contains(TEXT)) db.createObjectStore(TEXT);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  return opened;
}

export function isRulesetStoreAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

/** Saves a ruleset file that loaded without problems; the same name and version replaces the older copy. */
export async function saveRuleset(info: RulesetInfo, file: string, text: string): Promise<StoredRuleset> {
  const db = await open();
  const existing = (await listRulesets()).find((r) => r.name === info.name && r.version === info.version);
  const tx = db.transaction([META, TEXT], 'readwrite');
  const meta: Omit<StoredRuleset, 'id'> & { id?: number } = {
    ...(existing ? { id: existing.id } : {}),
    file, name: info.name, version: info.version, region: info.region, teachingOnly: info.teachingOnly,
    bytes: new TextEncoder().encode(text).byteLength, addedAt: new Date().toISOString(),
  };
  const id = (await request(tx.objectStore(META).put(meta))) as number;
  tx.objectStore(TEXT).put(text, id);
  await done(tx);
  return { ...meta, id };
}

export async function listRulesets(): Promise<StoredRuleset[]> {
  const db = await open();
  const all = (await request(db.transaction(META).objectStore(META).getAll())) as StoredRuleset[];
  return all.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export async function rulesetText(id: number): Promise<string | null> {
  const db = await open();
  return ((await request(db.transaction(TEXT).objectStore(TEXT).get(id))) as string | undefined) ?? null;
}

export async function deleteRuleset(id: number): Promise<void> {
  const db = await open();
  const tx = db.transaction([META, TEXT], 'readwrite');
  tx.objectStore(META).delete(id);
  tx.objectStore(TEXT).delete(id);
  await done(tx);
}
