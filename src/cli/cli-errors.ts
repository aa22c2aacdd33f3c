// What the command line says when the user's files or flags are wrong: one line and exit 1.
// A stack trace is kept for internal bugs only, and is then labelled as one.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A mistake in the command (a missing file, a folder that does not exist, a bad flag): shown as one line. */
export class UserError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

// Node's system errors, said plainly (their own text repeats the syscall and the path).
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder', EACCES: 'permission denied', EPERM: 'permission denied',
  EISDIR: 'this is a folder, not a file', ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full', EROFS: 'the file system is read-only', EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
};

/** Node's error for a file operation (ENOENT …), or null for anything else. */
export function systemError(e: unknown): (Error & { code: string; path?: string; syscall?: string }) | null {
  if (!(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? (e as Error & { code: string }) : null;
}

/** A plain reason for a file error: "no such file or folder" rather than "ENOENT: … open '…'". */
export function fileReason(e: unknown): string {
  const sys = systemError(e);
  if (sys) return REASONS[sys.code] ?? sys.message;
  return e instanceof Error ? e.message : String(e);
}

/** The bytes of an input file; a missing or unreadable one is a UserError naming the flag and the file. */
export function readUserFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError('file.read', `${what} ${path}: ${fileReason(e)}`);
  }
}

/** Refuses an --out path before any work is done: its folder must exist and it must not be a folder. */
export function checkOutPath(path: string, flag = '--out'): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new UserError('file.write', `${flag} ${path}: the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new UserError('file.write', `${flag} ${path}: ${folder} is not a folder`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError('file.write', `${flag} ${path}: this is a folder, not a file`);
}

/** Writes an output file; a failure (no such folder, no permission, disk full) is a UserError naming it. */
export function writeUserFile(path: string, data: string | Uint8Array, flag = '--out'): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UserError('file.write', `${flag} ${path}: cannot write (${fileReason(e)})`);
  }
}

/**
 * The one line for an error that reached the top: a UserError or a file error as `error [code]: …`;
 * anything else is a bug, printed with its stack and labelled so.
 */
export function reportUncaught(e: unknown): string {
  if (e instanceof UserError) return `error [${e.code}]: ${e.message}`;
  const sys = systemError(e);
  if (sys && (sys.path !== undefined || sys.syscall !== undefined)) {
    return `error [file.access]: ${sys.path ?? sys.syscall ?? ''}: ${fileReason(sys)}`;
  }
  const stack = e instanceof Error ? e.stack ?? e.message : String(e);
  return `casemix: internal error — please report it with the command you ran:\n${stack}`;
}
