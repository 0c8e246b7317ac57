import { describe, expect, it } from 'vitest';
import { findDeepLinks, parseDeepLink, splitWindowsCommandLine } from '../../../src/main/core/deep-link';
import { REDIRECT_URI } from '@cutline/contract/oauth-client';

describe('parseDeepLink', () => {
  it('accepts the three links of the contract, with exactly their parameters', () => {
    expect(parseDeepLink(`${REDIRECT_URI}?code=abc&state=xyz`)).toEqual({
      ok: true,
      link: { kind: 'auth-callback', code: 'abc', state: 'xyz' },
    });
    expect(parseDeepLink('cutline://store/complete?order=ord_1')).toEqual({ ok: true, link: { kind: 'store-complete', order: 'ord_1' } });
    expect(parseDeepLink('cutline://exchange/complete')).toEqual({ ok: true, link: { kind: 'exchange-complete' } });
  });

  it('tolerates the trailing slash Windows may add and an upper-case scheme', () => {
    expect(parseDeepLink('cutline://exchange/complete/')).toMatchObject({ ok: true });
    expect(parseDeepLink('CUTLINE://store/complete?order=7')).toMatchObject({ ok: true, link: { order: '7' } });
  });

  it.each([
    ['unknown host', 'cutline://evil/callback?code=a&state=b'],
    ['unknown path', 'cutline://auth/steal?code=a&state=b'],
    ['extra parameter', `${REDIRECT_URI}?code=a&state=b&redirect=https://evil.test`],
    ['missing state', `${REDIRECT_URI}?code=a`],
    ['repeated parameter', `${REDIRECT_URI}?code=a&state=b&state=c`],
    ['empty value', `${REDIRECT_URI}?code=&state=b`],
    ['parameter on a parameterless link', 'cutline://exchange/complete?x=1'],
    ['fragment', 'cutline://store/complete?order=1#frag'],
    ['credentials', 'cutline://user:pw@store/complete?order=1'],
    ['port', 'cutline://store:99/complete?order=1'],
    ['other scheme', 'https://auth/callback?code=a&state=b'],
    ['not a URL', 'cutline//auth'],
    ['control characters', 'cutline://store/complete?order=a%0Ab'],
  ])('refuses %s', (_name, url) => {
    expect(parseDeepLink(url).ok).toBe(false);
  });

  it('refuses an over-long link', () => {
    expect(parseDeepLink(`cutline://store/complete?order=${'a'.repeat(3000)}`)).toEqual({ ok: false, reason: 'too long' });
  });
});

describe('findDeepLinks', () => {
  it('finds the link among the switches Chromium adds on Windows', () => {
    const argv = [
      'C:\\Program Files\\Cutline\\Cutline.exe',
      '--allow-file-access-from-files',
      '--original-process-start-time=13372189934256671',
      `${REDIRECT_URI}?code=abc&state=xyz`,
    ];
    expect(findDeepLinks(argv)).toEqual([`${REDIRECT_URI}?code=abc&state=xyz`]);
  });

  it('unquotes a quoted link', () => {
    expect(findDeepLinks(['Cutline.exe', '"cutline://store/complete?order=42"'])).toEqual(['cutline://store/complete?order=42']);
  });

  it('finds a link inside a whole Windows command line passed as one string', () => {
    const line = '"C:\\Program Files\\Cutline\\Cutline.exe" --secondary "cutline://exchange/complete/"';
    expect(findDeepLinks([line])).toEqual(['cutline://exchange/complete/']);
  });

  it('finds the link in a development launch (electron + script)', () => {
    expect(findDeepLinks(['/usr/bin/electron', '/work/out/main/index.js', 'cutline://exchange/complete'])).toEqual([
      'cutline://exchange/complete',
    ]);
  });

  it('finds nothing on a plain launch', () => {
    expect(findDeepLinks(['C:\\Program Files\\Cutline\\Cutline.exe', '--inspect=0', 'https://cutline.test/store'])).toEqual([]);
  });
});

describe('splitWindowsCommandLine', () => {
  it('follows the CommandLineToArgvW quoting rules', () => {
    expect(splitWindowsCommandLine('"C:\\Program Files\\a.exe" b  "c d" e\\"f "g\\\\" h')).toEqual([
      'C:\\Program Files\\a.exe',
      'b',
      'c d',
      'e"f',
      'g\\',
      'h',
    ]);
  });
});
