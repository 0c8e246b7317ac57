/** PKCE (RFC 7636, S256) and the OAuth `state`: high-entropy random strings, base64url. */
import { createHash, randomBytes } from 'node:crypto';

export type RandomBytes = (n: number) => Buffer;

/** 32 random bytes → a 43-character verifier (the RFC allows 43–128 characters). */
export function createCodeVerifier(random: RandomBytes = randomBytes): string {
  return random(32).toString('base64url');
}

export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** 32 random bytes: unguessable, so a forged callback cannot name a state we issued. */
export function createState(random: RandomBytes = randomBytes): string {
  return random(32).toString('base64url');
}
