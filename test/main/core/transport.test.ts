import { describe, expect, it } from 'vitest';
import { isLoopbackHost, transportProblem } from '../../../src/main/core/transport';

const hostOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each(['http://127.0.0.1:4780', 'http://127.255.3.4', 'http://127.1', 'http://0x7f.1', 'http://[::1]:5199', 'http://[::ffff:127.0.0.1]', 'http://localhost:3000', 'http://LOCALHOST'])(
    '%s is this computer',
    (url) => expect(isLoopbackHost(hostOf(url))).toBe(true),
  );

  it.each([
    'http://128.0.0.1',
    'http://10.0.0.1',
    'http://192.168.1.10',
    'http://0.0.0.0',
    'http://[::]',
    'http://[::2]',
    'http://[::ffff:10.0.0.1]',
    'http://127.0.0.1.evil.test',
    'http://localhost.evil.test',
    'http://evil-localhost',
    'http://localhost.',
    'http://cutline.test',
  ])('%s is not', (url) => expect(isLoopbackHost(hostOf(url))).toBe(false));
});

describe('transportProblem', () => {
  it('accepts https anywhere and http on loopback only', () => {
    expect(transportProblem(new URL('https://cutline.test'))).toBeNull();
    expect(transportProblem(new URL('https://10.0.0.1:8443'))).toBeNull();
    expect(transportProblem(new URL('http://127.0.0.1:4780'))).toBeNull();
    expect(transportProblem(new URL('http://cutline.test'))).toBe(
      'must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost)',
    );
    expect(transportProblem(new URL('ftp://cutline.test'))).toBe('must be an https URL');
  });
});
