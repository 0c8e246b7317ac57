/**
 * The Idempotency-Key of a charge (docs/api.md § Charges, docs/product.md § Holds). The renderer makes
 * one `actionId` per user action; the key is derived from it and this device's id, so every retry
 * of the action — by ky, or by the renderer asking again — is the very same charge, and two
 * devices can never collide on a key.
 */
import { createHash } from 'node:crypto';

export function idempotencyKeyFor(deviceId: string, actionId: string): string {
  const digest = createHash('sha256').update(`${deviceId}\n${actionId}`).digest('base64url');
  return `cutline-desktop-${digest}`;
}
