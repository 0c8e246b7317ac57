/**
 * The one scrubbing rule (the contract's `sensitiveRanges`, applied by the desktop before sending
 * and by the service before storing) on the texts crash reports carry, and the service's
 * byte-for-byte masking of minidumps — including inputs made to make a pattern backtrack, which
 * must still be scanned in one pass (a dump is megabytes of arbitrary bytes).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scrubReport, scrubText, stackFrames } from '@cutline/contract/crash-reports';
import { isMinidump, maskMinidump } from '../../src/service/crash-reports/minidump';

const TOKEN = 'Zk3uV1t0k3nAbCdEfGhIjKlMnOpQrStUvWxYz012345';

describe('scrubText', () => {
  it.each([
    ['the app’s code inside app.asar, on Windows', 'at run (C:\\Users\\John Smith\\AppData\\Local\\Programs\\Cutline\\resources\\app.asar\\out\\main\\index.js:12:5)', 'at run (<app>\\out\\main\\index.js:12:5)'],
    ['the app’s code inside app.asar, on macOS', 'at f (/Applications/Cutline.app/Contents/Resources/app.asar/out/main/index.js:1:2)', 'at f (<app>/out/main/index.js:1:2)'],
    ['a Linux home', 'at g (/home/alice/dev/cutline/out/main/index.js:3:9)', 'at g (<user path>:3:9)'],
    ['a macOS home, spaces and all', "open '/Users/bob/Movies/My Wedding.mov'", "open '<user path>'"],
    ['a Windows home in JSON-escaped text', 'read C:\\\\Users\\\\carol\\\\Videos\\\\x.mp4 (failed)', 'read <user path>(failed)'],
    ['a home after another path in the same run', 'from /tmp/x to /home/erin/secret.mov now', 'from /tmp/x to <user path>'],
    ['a Windows home whose drive letter went with the run before', 'dir/C:\\Users\\frank\\x', 'dir/C:<user path>'],
    ['~ and %USERPROFILE%', 'see ~/Library/Logs/main.log and %USERPROFILE%\\Videos\\a.mp4', 'see <user path>'],
    ['macOS per-user temp', 'tmp /var/folders/ab/cd123/T/cutline-x', 'tmp <user path>'],
    ['a Bearer header', `Authorization: Bearer ${TOKEN}`, 'Authorization: [redacted]'],
    ['a bare Bearer', `sent Bearer ${TOKEN}.`, 'sent Bearer [redacted]'],
    ['a cookie header, all of it', 'cookie: cutline_session=abc123; theme=dark', 'cookie: [redacted]'],
    ['query parameters', 'GET /oauth/token?grant_type=refresh_token&refresh_token=abcdef&code=xyz)', 'GET /oauth/token?grant_type=refresh_token&refresh_token=[redacted]&code=[redacted])'],
    ['JSON fields', '{"accessToken":"aaa","refreshToken":"bbb","plan":"pro"}', '{"accessToken":"[redacted]","refreshToken":"[redacted]","plan":"pro"}'],
    ['a bare token', `rotated to ${TOKEN} just now`, 'rotated to [redacted] just now'],
    ['an e-mail address', 'signed in as alice.k+test@example.co.uk', 'signed in as <email>'],
    ['what is none of these', 'at x (app://cutline/assets/index-DwVw1JaC.js:1:2345) in /usr/lib/x.so', 'at x (app://cutline/assets/index-DwVw1JaC.js:1:2345) in /usr/lib/x.so'],
  ])('%s', (_name, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('a report keeps its own fields and fits its limits after scrubbing', () => {
    const long = `${'x'.repeat(1990)} a@b.cd`;
    const report = scrubReport({
      kind: 'js-error',
      process: 'renderer',
      event: 'error',
      error: { name: 'Error', message: long, stack: stackFrames(`Error: boom\n    at a (/home/u/x.js:1:1)\r\n\n`) },
      app: { version: '1.0.0', platform: 'linux', arch: 'x64', electron: null },
      installation: '7f0c9d2e-1b4a-4c3e-9d8f-0a1b2c3d4e5f',
      occurredAt: '2026-12-07T10:00:00.000Z',
    });
    expect(report.installation).toBe('7f0c9d2e-1b4a-4c3e-9d8f-0a1b2c3d4e5f');
    expect(report.error.message.length).toBeLessThanOrEqual(2000);
    expect(report.error.stack).toEqual(['Error: boom', 'at a (<user path>:1:1)']);
  });
});

describe('minidumps', () => {
  it('masks ASCII and UTF-16 (both alignments) in place and keeps the rest byte for byte', () => {
    const head = Buffer.alloc(32);
    head.write('MDMP', 0, 'latin1');
    const dump = Buffer.concat([
      head,
      Buffer.from(`token=${TOKEN}\0`, 'latin1'),
      Buffer.from('C:\\Users\\dana\\AppData\\Local\\Programs\\Cutline\\Cutline.exe\0', 'utf16le'),
      Buffer.from([0x41]),
      Buffer.from('/home/dana/clip.mov\0', 'utf16le'),
      Buffer.from('kernel32.dll\0', 'utf16le'),
    ]);
    const original = Buffer.from(dump);
    expect(isMinidump(dump)).toBe(true);
    expect(maskMinidump(dump)).toBeGreaterThanOrEqual(3);
    expect(dump.length).toBe(original.length);
    for (const gone of [TOKEN, 'dana']) {
      expect(dump.includes(Buffer.from(gone, 'latin1'))).toBe(false);
      expect(dump.includes(Buffer.from(gone, 'utf16le'))).toBe(false);
    }
    expect(dump.subarray(0, 32).equals(original.subarray(0, 32))).toBe(true);
    expect(dump.includes(Buffer.from('kernel32.dll', 'utf16le'))).toBe(true);
    expect(isMinidump(Buffer.from('PK\u0003\u0004 not a dump, but long enough to be one'))).toBe(false);
  });

  it('scans inputs built to make patterns backtrack in one pass', () => {
    const hostile = Buffer.concat([
      Buffer.from('MDMP'),
      Buffer.from('/'.repeat(300_000)),
      Buffer.from('a'.repeat(300_000)),
      Buffer.from('x@'.repeat(150_000)),
      Buffer.from('%'.repeat(200_000)),
      Buffer.from('C:'.repeat(100_000)),
      randomBytes(1_000_000),
      Buffer.from('/home/eve/secret\0'),
    ]);
    maskMinidump(hostile);
    expect(hostile.includes(Buffer.from('eve'))).toBe(false);
  });
});
