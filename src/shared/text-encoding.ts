// Decides the text encoding of a CSV export on the whole input: UTF-8 (with or without BOM) when every byte
// decodes strictly, else GB18030/GBK (common in hospital systems) for the whole file. Never guesses from a sample.
import { fail } from './errors.ts';

export type CsvEncoding = 'utf-8' | 'gb18030';

/** Refuses a UTF-16 byte-order mark or NUL bytes near the start (UTF-16 without a BOM, or a binary file). */
export function refuseUnsupportedText(bytes: Uint8Array, file = ''): void {
  const named = file ? `${file}: ` : '';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    fail('csv.utf16', `${named}the file is UTF-16 text, which is not supported; save it as UTF-8 (or GBK)`, { file }, { file });
  }
  const nul = bytes.subarray(0, 65_536).indexOf(0);
  if (nul >= 0) {
    fail('csv.binary', `${named}byte ${nul + 1} is a NUL: this is UTF-16 or binary data, not UTF-8 or GBK text`, { file, byte: nul + 1 }, { file });
  }
}

/** The encoding of the whole input; a character cut off at its very end does not count against UTF-8. */
export function detectEncoding(bytes: Uint8Array, file = ''): CsvEncoding {
  refuseUnsupportedText(bytes, file);
  if (hasUtf8Bom(bytes)) return 'utf-8';
  let end = bytes.length;
  let back = 0;
  while (end > 0 && back < 4 && (bytes[end - 1] & 0xc0) === 0x80) { end--; back++; }
  if (end > 0 && bytes[end - 1] >= 0xc0) end--;
  return isUtf8(bytes.subarray(0, end)) ? 'utf-8' : 'gb18030';
}

/** Decodes the whole input: strict UTF-8, else strict GB18030; a file that is neither is refused. */
export function decodeText(bytes: Uint8Array, file = ''): { text: string; encoding: CsvEncoding } {
  refuseUnsupportedText(bytes, file);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch { /* not UTF-8: try GB18030 for the whole file, unless a BOM says it is UTF-8 */ }
  if (hasUtf8Bom(bytes)) refuseUndecodable(bytes, file);
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
  } catch {
    return refuseUndecodable(bytes, file);
  }
}

/** Fails naming the line and byte of the first sequence that is not in the file's encoding: UTF-8 when it
 * starts with a UTF-8 BOM, else GB18030 (tried last, after UTF-8 failed), unless the caller names one. */
export function refuseUndecodable(bytes: Uint8Array, file = '', encoding: CsvEncoding = hasUtf8Bom(bytes) ? 'utf-8' : 'gb18030'): never {
  const at = firstUndecodable(bytes, encoding);
  let line = 1;
  for (let k = bytes.indexOf(0x0a); k >= 0 && k < at; k = bytes.indexOf(0x0a, k + 1)) line++; // 0x0A is never a trail byte
  const named = file ? `${file}: ` : '';
  return fail('csv.bad_encoding', `${named}line ${line} (byte ${at + 1}) is neither UTF-8 nor GBK/GB18030 text; save the file as UTF-8`,
    { file, line, byte: at + 1 }, { file, row: line });
}

/** Offset of the byte where strict GB18030 decoding first fails: by blocks, then byte by byte in the block. */
function firstUndecodable(bytes: Uint8Array, encoding: CsvEncoding): number {
  const BLOCK = 4096;
  let gb = new TextDecoder(encoding, { fatal: true });
  let start = 0;
  try {
    for (; start < bytes.length; start += BLOCK) gb.decode(bytes.subarray(start, start + BLOCK), { stream: true });
    gb.decode();
    return bytes.length - 1; // only a cut-off last character
  } catch { /* the bad sequence is in this block */ }
  gb = new TextDecoder(encoding, { fatal: true });
  gb.decode(bytes.subarray(0, start), { stream: true });
  for (let k = start; k < bytes.length; k++) {
    try { gb.decode(bytes.subarray(k, k + 1), { stream: true }); } catch { return k; }
  }
  return bytes.length - 1;
}

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
