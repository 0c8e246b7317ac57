/**
 * Tokens at rest in Electron: encrypted with `safeStorage` (Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux) and kept as base64 in an electron-store file. When the OS offers no
 * real encryption (no keychain, or Linux's `basic_text` fallback) nothing is written: tokens stay
 * in memory for this run and `warning` tells the user they will have to sign in again.
 */
import type { SafeStorage } from 'electron';
import type { KeyValueStore } from '../core/key-value-store';
import type { Logger } from '../core/logger';
import { StoredTokensSchema, type StoredTokens, type TokenVault } from '../core/vault';

export const NO_ENCRYPTION_WARNING =
  'This computer offers no secure storage for your sign-in, so Cutline keeps it only until you quit. You will need to sign in again next time.';

type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

const KEY = 'tokens';

export class SafeStorageVault implements TokenVault {
  readonly warning: string | null;
  private readonly encrypted: boolean;
  private memory: StoredTokens | null = null;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly store: KeyValueStore,
    platform: NodeJS.Platform,
    private readonly logger: Logger,
  ) {
    const available = safeStorage.isEncryptionAvailable();
    const plaintextBackend = platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
    this.encrypted = available && !plaintextBackend;
    this.warning = this.encrypted ? null : NO_ENCRYPTION_WARNING;
    if (!this.encrypted) {
      logger.warn('no OS encryption for tokens: keeping them in memory only');
      store.delete(KEY);
    }
  }

  load(): StoredTokens | null {
    if (this.memory || !this.encrypted) return this.memory;
    const blob = this.store.get(KEY);
    if (typeof blob !== 'string') return null;
    try {
      const json = this.safeStorage.decryptString(Buffer.from(blob, 'base64'));
      this.memory = StoredTokensSchema.parse(JSON.parse(json));
      return this.memory;
    } catch {
      this.logger.warn('stored tokens unreadable; signing out');
      this.store.delete(KEY);
      return null;
    }
  }

  save(tokens: StoredTokens): void {
    this.memory = { ...tokens };
    if (this.encrypted) this.store.set(KEY, this.safeStorage.encryptString(JSON.stringify(tokens)).toString('base64'));
  }

  clear(): void {
    this.memory = null;
    this.store.delete(KEY);
  }
}
