/**
 * Minidumps as they arrive from crashpad: checked to be one, and masked before they are stored.
 * A minidump is binary (module lists, thread stacks, annotations) and the app never sees it before
 * crashpad uploads it, so the service scrubs it: every range the contract's `sensitiveRanges`
 * finds — home-folder paths, credentials by name, long opaque secrets, e-mail addresses — in the
 * bytes read as single-byte text and as UTF-16LE at both alignments (Windows keeps module paths
 * so) is overwritten with `*` of the same length, which keeps every offset of the file valid.
 */
import { sensitiveRanges } from '@cutline/contract/crash-reports';

/** Every minidump starts with the signature "MDMP". */
export function isMinidump(bytes: Buffer): boolean {
  return bytes.length >= 32 && bytes.toString('latin1', 0, 4) === 'MDMP';
}

const STAR = 0x2a;

/** Masks, in place, what no stored report may carry; returns how many ranges were masked. */
export function maskMinidump(bytes: Buffer): number {
  let masked = 0;
  for (const range of sensitiveRanges(bytes.toString('latin1'))) {
    bytes.fill(STAR, range.start, range.end);
    masked++;
  }
  for (const offset of [0, 1]) {
    const units = (bytes.length - offset) >> 1;
    for (const range of sensitiveRanges(bytes.toString('utf16le', offset, offset + units * 2))) {
      for (let i = offset + range.start * 2; i < offset + range.end * 2; i += 2) {
        bytes[i] = STAR;
        bytes[i + 1] = 0;
      }
      masked++;
    }
  }
  return masked;
}
