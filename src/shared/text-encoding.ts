// Detects the text encoding of a CSV export: UTF-8 (with or without BOM) or GB18030/GBK, common in
// hospital information systems. Decoding is left to TextDecoder; this only chooses its label.

export type CsvEncoding = 'utf-8' | 'gb18030';

export function detectEncoding(head: Uint8Array): CsvEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  // Cut back to a character boundary so a multi-byte sequence split by the sample is not an error.
  let end = head.length;
  let back = 0;
  while (end > 0 && back < 4 && (head[end - 1] & 0xc0) === 0x80) { end--; back++; }
  if (end > 0 && head[end - 1] >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}
