import { describe, expect, it } from 'vitest';
import { externalUrlProblem, isAllowedExternalUrl } from '../../../src/main/core/url-allowlist';
import { leadsTo } from '../../../src/main/core/web-handoff';

const origins = { serviceOrigin: 'http://127.0.0.1:4780', webOrigin: 'http://127.0.0.1:4780' };
const split = { serviceOrigin: 'https://api.cutline.test', webOrigin: 'https://cutline.test' };

describe('isAllowedExternalUrl', () => {
  it.each(['/store', '/pricing', '/exchange', '/credits', '/handoff?code=abc&next=/store'])('allows %s on the web origin', (path) => {
    expect(isAllowedExternalUrl(`http://127.0.0.1:4780${path}`, origins)).toBe(true);
  });

  it('allows the sign-in page on the service origin', () => {
    expect(isAllowedExternalUrl('https://api.cutline.test/oauth/authorize?client_id=x', split)).toBe(true);
    expect(isAllowedExternalUrl('https://cutline.test/oauth/authorize?client_id=x', split)).toBe(false);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['cutline:', 'cutline://store/complete?order=1'],
    ['data:', 'data:text/html,<script>1</script>'],
    ['another origin', 'https://evil.test/store'],
    ['another port', 'http://127.0.0.1:9999/store'],
    ['look-alike host', 'http://127.0.0.1.evil.test:4780/store'],
    ['allowed origin, other path', 'http://127.0.0.1:4780/admin/v1/users'],
    ['allowed origin, path prefix', 'http://127.0.0.1:4780/store/../admin'],
    ['allowed path as a prefix', 'http://127.0.0.1:4780/storefront'],
    ['credentials', 'http://user:pw@127.0.0.1:4780/store'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(isAllowedExternalUrl(url, origins)).toBe(false);
  });
});

describe('plain http', () => {
  const local = ['http://127.0.0.1:4780', 'http://localhost:4780', 'http://[::1]:4780'];
  it.each(local)('is allowed on this computer: %s', (origin) => {
    expect(externalUrlProblem(`${origin}/store`, { serviceOrigin: origin, webOrigin: origin })).toBeNull();
    expect(isAllowedExternalUrl(`${origin}/oauth/authorize?client_id=x`, { serviceOrigin: origin, webOrigin: origin })).toBe(true);
  });

  it('is refused for any other host, even when the configured origins say http', () => {
    const plain = { serviceOrigin: 'http://api.cutline.test', webOrigin: 'http://cutline.test' };
    expect(externalUrlProblem('http://cutline.test/store', plain)).toBe(
      'the link must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost)',
    );
    expect(isAllowedExternalUrl('http://api.cutline.test/oauth/authorize?client_id=x', plain)).toBe(false);
    expect(isAllowedExternalUrl('http://10.0.0.2:4780/store', { serviceOrigin: 'http://10.0.0.2:4780', webOrigin: 'http://10.0.0.2:4780' })).toBe(false);
    expect(isAllowedExternalUrl('http://cutline.test/store', split)).toBe(false);
  });

  it('says why anything else is refused', () => {
    expect(externalUrlProblem('javascript:alert(1)', split)).toBe('not a web link');
    expect(externalUrlProblem('https://evil.test/store', split)).toBe('not a Cutline page');
    expect(externalUrlProblem('https://u:p@cutline.test/store', split)).toBe('the link carries credentials');
  });
});

describe('leadsTo', () => {
  it('accepts the page itself or a handoff whose next is the page', () => {
    expect(leadsTo('https://cutline.test/store', '/store', split)).toBe(true);
    expect(leadsTo('https://cutline.test/handoff?code=1&next=%2Fstore', '/store', split)).toBe(true);
  });

  it('refuses a handoff to another page, or one on the service origin', () => {
    expect(leadsTo('https://cutline.test/handoff?code=1&next=/exchange', '/store', split)).toBe(false);
    expect(leadsTo('https://api.cutline.test/handoff?code=1&next=/store', '/store', split)).toBe(false);
  });
});
