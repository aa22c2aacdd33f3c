// The layers of src/ and workers/ point one way: every import goes to the same folder or a lower layer.
// Reads each module's import statements (static, type-only and dynamic) and fails on any upward edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Lowest first. Folders on one line share a rank and may not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/shared', 'src/env.d.ts'], // errors as values, CSV tokenizing, text decoding, header matching
  ['src/i18n'], // message dictionaries and number formats
  ['src/rules'], // casemix-ruleset/1: format, validation, compiler, importers
  ['src/data'], // the §1 case file: schema, Arrow, CSV, export, §11 checks
  ['src/scenario'], // §10 scenarios, pricing parameters, the formula language
  ['src/evaluation'], // §5 periods, indicators, composites
  ['src/engine'], // the engine over the Wasm core, and the reference kernels
  ['src/demo'], // the synthetic case generator (an application of the engine's pieces)
  ['workers', 'src/cli'], // the hosts of the engine: the browser worker, the command line
  ['src/ui'], // the page
  ['src/main.ts'],
];

function layerOf(file: string): { rank: number; folder: string } | null {
  for (let rank = 0; rank < LAYERS.length; rank++) {
    for (const folder of LAYERS[rank]!) {
      if (file === folder || file.startsWith(`${folder}/`)) return { rank, folder };
    }
  }
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Relative module specifiers a file imports or re-exports (static, `import type`, `import()`). */
export function importSpecifiers(text: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bimport\s*(?:type\s+)?(?:[^'"();]*?\s+from\s*)?|\bexport\s+(?:type\s+)?[^'"();]*?\s+from\s*|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;
  for (const m of text.matchAll(pattern)) specs.push(m[2]!);
  return specs;
}

interface Edge { from: string; to: string; why: string }

function upwardImports(): Edge[] {
  const files = [...sourceFiles('src'), ...sourceFiles('workers')];
  const edges: Edge[] = [];
  for (const from of files) {
    const mine = layerOf(from);
    if (!mine) {
      edges.push({ from, to: '', why: 'file in no layer: add its folder to LAYERS' });
      continue;
    }
    for (const spec of importSpecifiers(readFileSync(join(ROOT, from), 'utf8'))) {
      const to = relative(ROOT, resolve(ROOT, dirname(from), spec.replace(/\?.*$/, '')));
      if (!to.startsWith('src/') && !to.startsWith('workers/')) continue; // build output (the Wasm URL)
      const theirs = layerOf(to);
      if (!theirs || theirs.folder === mine.folder) continue;
      if (theirs.rank > mine.rank) edges.push({ from, to, why: `${mine.folder} is below ${theirs.folder}` });
      else if (theirs.rank === mine.rank) edges.push({ from, to, why: `${mine.folder} and ${theirs.folder} share a layer` });
    }
  }
  return edges;
}

describe('import layers of src/ and workers/', () => {
  it('reads static, type-only, re-export and dynamic imports', () => {
    const text = `import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nconst d = import('./d.ts');\nimport './e.css';\nimport x from 'svelte';`;
    expect(importSpecifiers(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.css']);
  });

  it('has no upward import and no import across folders of one layer', () => {
    expect(upwardImports().map((e) => `${e.from} → ${e.to}: ${e.why}`)).toEqual([]);
  });
});
