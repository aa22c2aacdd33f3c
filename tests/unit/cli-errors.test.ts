// Ordinary mistakes on the command line (a missing file, --out into a missing folder, a bad flag) print
// one line naming the file or flag and exit 1; only an internal bug prints a stack, and says it is one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, checkOutPath, reportUncaught, writeUserFile } from '../../src/cli/cli-errors.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const BIN = join(__dirname, '..', '..', 'bin', 'casemix.js');
const dir = mkdtempSync(join(tmpdir(), 'casemix-cli-errors-'));
const CASES = join(dir, 'cases.arrow');
writeFileSync(CASES, ipc(handTable([{ department: '骨科', total_cost: 1000, los: 3 }, { department: '儿科', total_cost: 800, los: 2 }])));
const CSV = join(dir, 'cases.csv');
writeFileSync(CSV, 'case_id,department\nC1,骨科\n');
const RULES_DIR = join(dir, 'tables');
mkdirSync(RULES_DIR);
const MISSING = join(dir, 'no-such-folder');

/** Runs casemix; the exit status and stderr as lines. */
function run(...args: string[]): { status: number | null; lines: string[]; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, lines: r.stderr.trim().split('\n').filter((l) => l !== ''), stdout: r.stdout };
}

/** The one error line of a refused command. */
function oneLine(...args: string[]): string {
  const r = run(...args);
  expect(r.status).toBe(1);
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).not.toMatch(/\n|\s+at |RangeError|TypeError|internal error/);
  return r.lines[0]!;
}

describe('user errors are one line and exit 1', () => {
  it('price --scenario naming a missing file', () => {
    expect(oneLine('price', CASES, '--scenario', join(dir, 'missing.json')))
      .toBe(`error [file.read]: --scenario ${join(dir, 'missing.json')}: no such file`);
  });

  it('a missing input file, for the case file and for --ruleset', () => {
    expect(oneLine('group', join(dir, 'nope.arrow'))).toBe(`error [file.read]: cases file ${join(dir, 'nope.arrow')}: no such file`);
    expect(oneLine('check', CASES, '--ruleset', join(dir, 'nope.json'))).toBe(`error [file.read]: --ruleset ${join(dir, 'nope.json')}: no such file`);
  });

  it('--out into a missing folder, for every command that writes', () => {
    const out = (name: string) => join(MISSING, name);
    const commands: string[][] = [
      ['group', CASES, '--out', out('g.csv')],
      ['price', CASES, '--out', out('p.csv')],
      ['check', CASES, '--out', out('c.csv')],
      ['evaluate', CASES, '--by', 'hospital', '--out', out('e.csv')],
      ['import', CSV, '--out', out('i.arrow')],
      ['generate', '--cases', '10', '--out', out('gen.arrow')],
      ['ruleset', 'import', RULES_DIR, '--out', out('r.json')],
      ['ruleset', 'import-chs', CASES, '--out', out('r.json')],
    ];
    for (const args of commands) {
      const target = args[args.length - 1]!;
      expect(oneLine(...args), args.join(' ')).toBe(`error [file.write]: --out ${target}: the folder ${MISSING} does not exist`);
    }
  });

  it('an unknown flag, and a flag without its value', () => {
    expect(oneLine('group', CASES, '--bogus')).toBe('error [cli.option]: casemix group: unknown option --bogus (casemix help lists the options)');
    expect(oneLine('price', CASES, '--scenario')).toBe('error [cli.option]: casemix price: --scenario needs a value');
    expect(oneLine('evaluate', CASES, '--by', 'planet')).toBe('error [cli.option]: casemix evaluate: --by must be one of hospital, department, ward, physician');
  });
});

describe('what reaches the top', () => {
  it('a UserError is its one line', () => {
    expect(reportUncaught(new UserError('file.read', '--scenario s.json: no such file'))).toBe('error [file.read]: --scenario s.json: no such file');
  });

  it('a Node file error is one line with a plain reason', () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/x/out.csv'"), { code: 'EACCES', syscall: 'open', path: '/x/out.csv' });
    expect(reportUncaught(e)).toBe('error [file.access]: /x/out.csv: permission denied');
  });

  it('anything else is an internal error, labelled so, with its stack', () => {
    const text = reportUncaught(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(text.split('\n')[0]).toBe('casemix: internal error — please report it with the command you ran:');
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'x')");
    expect(text).toMatch(/\n\s+at /);
  });

  it('an --out that is a folder, or under a file, is refused before any work', () => {
    expect(() => checkOutPath(dir)).toThrow(`--out ${dir}: this is a folder, not a file`);
    expect(() => checkOutPath(join(CASES, 'x.csv'))).toThrow(`--out ${join(CASES, 'x.csv')}: ${CASES} is not a folder`);
    expect(() => writeUserFile(join(CASES, 'x.csv'), 'a')).toThrow(`--out ${join(CASES, 'x.csv')}: cannot write (a part of the path is not a folder)`);
  });
});
