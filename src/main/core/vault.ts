/**
 * Where tokens live between uses. Only the core reads it; nothing in it ever reaches the renderer
 * or a log. The port is synchronous: the Electron vault encrypts with safeStorage's asynchronous
 * API by decrypting when it opens (before the core is built) and writing behind. `MemoryVault`
 * keeps tokens for the life of the process only (the browser host, tests).
 */
import { z } from 'zod';

export const StoredTokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
});
export type StoredTokens = z.infer<typeof StoredTokensSchema>;

export interface TokenVault {
  load(): StoredTokens | null;
  save(tokens: StoredTokens): void;
  clear(): void;
  /** Set when tokens cannot be kept safely across restarts; shown to the user. */
  readonly warning: string | null;
}

export class MemoryVault implements TokenVault {
  private tokens: StoredTokens | null = null;
  constructor(readonly warning: string | null = null) {}
  load(): StoredTokens | null {
    return this.tokens;
  }
  save(tokens: StoredTokens): void {
    this.tokens = { ...tokens };
  }
  clear(): void {
    this.tokens = null;
  }
}
