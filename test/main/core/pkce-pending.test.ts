import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PendingSignIns, PENDING_SIGN_IN_TTL_MS } from '../../../src/main/core/pending-sign-ins';
import { codeChallengeS256, createCodeVerifier, createState } from '../../../src/main/core/pkce';

describe('PKCE', () => {
  it('makes RFC 7636 verifiers and S256 challenges', () => {
    const verifier = createCodeVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeChallengeS256(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('makes a different high-entropy state every time', () => {
    const states = new Set(Array.from({ length: 50 }, () => createState()));
    expect(states.size).toBe(50);
    for (const s of states) expect(s.length).toBeGreaterThanOrEqual(43);
  });
});

describe('PendingSignIns', () => {
  it('gives each verifier out once', () => {
    const pending = new PendingSignIns(() => 0);
    pending.add('s', 'v');
    expect(pending.has('s')).toBe(true);
    expect(pending.take('s')).toBe('v');
    expect(pending.take('s')).toBeNull();
    expect(pending.has('s')).toBe(false);
  });

  it('forgets states after ten minutes', () => {
    let now = 1_000;
    const pending = new PendingSignIns(() => now);
    pending.add('old', 'v1');
    now += PENDING_SIGN_IN_TTL_MS - 1;
    pending.add('new', 'v2');
    expect(pending.has('old')).toBe(true);
    now += 1;
    expect(pending.has('old')).toBe(false);
    expect(pending.take('old')).toBeNull();
    expect(pending.take('new')).toBe('v2');
  });

  it('does not know states it never issued', () => {
    expect(new PendingSignIns(() => 0).take('forged')).toBeNull();
  });
});
