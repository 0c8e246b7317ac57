import { describe, expect, it } from 'vitest';
import { hostProblem, originProblem, redactOpenedUrl } from '../../src/devhost/request-guard';
import { CLIENT_ID } from '@cutline/contract/oauth-client';

describe('hostProblem (DNS rebinding)', () => {
  it('accepts only the host itself on its port', () => {
    expect(hostProblem('127.0.0.1:5199', 5199)).toBeNull();
    expect(hostProblem('localhost:5199', 5199)).toBeNull();
    expect(hostProblem('LOCALHOST:5199', 5199)).toBeNull();
  });

  it.each([['rebound.evil.test:5199'], ['127.0.0.1'], ['127.0.0.1:80'], ['localhost:51990'], ['127.0.0.2:5199'], ['[::1]:5199'], ['']])(
    'refuses Host %j with a message naming what it answers to',
    (host) => {
      expect(hostProblem(host, 5199)).toBe(`This browser host answers only to 127.0.0.1:5199 or localhost:5199; the request named ${JSON.stringify(host)}.`);
    },
  );

  it('refuses a request without Host', () => {
    expect(hostProblem(undefined, 5199)).toMatch(/named no host/);
  });
});

describe('originProblem', () => {
  it("accepts the host's own origins", () => {
    expect(originProblem('http://127.0.0.1:5199', 5199, true)).toBeNull();
    expect(originProblem('http://localhost:5199', 5199, true)).toBeNull();
  });

  it.each(['https://evil.test', 'http://127.0.0.1:5198', 'null', 'http://rebound.evil.test:5199', 'https://127.0.0.1:5199'])('refuses %s', (origin) => {
    expect(originProblem(origin, 5199, false)).toBe(`Only pages served by this browser host may do this; the request came from ${JSON.stringify(origin)}.`);
  });

  it('a missing Origin is refused only where browsers always send one (WebSockets)', () => {
    expect(originProblem(undefined, 5199, true)).toMatch(/no Origin/);
    expect(originProblem(undefined, 5199, false)).toBeNull();
  });
});

describe('redactOpenedUrl', () => {
  it('hides handoff codes and sign-in state, keeps the rest readable', () => {
    expect(redactOpenedUrl('http://127.0.0.1:4780/handoff?code=live-secret&next=/store')).toBe('http://127.0.0.1:4780/handoff?code=redacted&next=%2Fstore');
    const signIn = redactOpenedUrl(`http://127.0.0.1:4780/oauth/authorize?client_id=${CLIENT_ID}&state=s3cret&code_challenge=abc`);
    expect(signIn).toContain('state=redacted');
    expect(signIn).not.toContain('s3cret');
    expect(signIn).toContain(`client_id=${CLIENT_ID}`);
    expect(redactOpenedUrl('https://cutline.test/store')).toBe('https://cutline.test/store');
  });
});
