/**
 * Tokens at rest in Electron: encrypted with `safeStorage`'s asynchronous API (Keychain on macOS,
 * DPAPI on Windows, libsecret/kwallet on Linux; the synchronous calls are deprecated since
 * Electron 45 and removed in 46) and kept as base64 in an electron-store file. When the OS offers
 * no real encryption (no keychain, or Linux's `basic_text` fallback) nothing is written: tokens
 * stay in memory for this run and `warning` tells the user they will have to sign in again.
 *
 * The core's `TokenVault` port is synchronous, so the asynchronous parts sit at the edges:
 * `SafeStorageVault.open` (after `ready`) decrypts what was stored before the core is built —
 * re-encrypting it when the OS says its key changed (`shouldReEncrypt`) — and `save` updates
 * memory at once and writes behind, newest tokens last; `flush()` waits for the writes (the app
 * awaits it before quitting, so a rotated refresh token is never lost).
 */
import { safeStorage as electronSafeStorage, type SafeStorage } from 'electron';
import type { KeyValueStore } from '../core/key-value-store';
import type { Logger } from '../core/logger';
import { StoredTokensSchema, type StoredTokens, type TokenVault } from '../core/vault';

export const NO_ENCRYPTION_WARNING =
  'This computer offers no secure storage for your sign-in, so Cutline keeps it only until you quit. You will need to sign in again next time.';

export type SafeStorageLike = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

const KEY = 'tokens';

export class SafeStorageVault implements TokenVault {
  readonly warning: string | null;
  private memory: StoredTokens | null;
  /** Bumped by every save and clear: a write that finishes after a newer change is dropped. */
  private generation = 0;
  private writes: Promise<void> = Promise.resolve();
  private pendingWrites = 0;

  private constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly store: KeyValueStore,
    private readonly encrypted: boolean,
    private readonly logger: Logger,
    restored: StoredTokens | null,
  ) {
    this.warning = encrypted ? null : NO_ENCRYPTION_WARNING;
    this.memory = restored;
  }

  /** Decides whether tokens may be kept on disk and reads what a previous run stored. Call after `ready`. */
  static async open(
    store: KeyValueStore,
    platform: NodeJS.Platform,
    logger: Logger,
    safeStorage: SafeStorageLike = electronSafeStorage,
  ): Promise<SafeStorageVault> {
    const available = await safeStorage.isAsyncEncryptionAvailable().catch(() => false);
    const plaintextBackend = platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
    if (!available || plaintextBackend) {
      logger.warn('no OS encryption for tokens: keeping them in memory only', { backend: plaintextBackend ? 'basic_text' : null });
      store.delete(KEY);
      return new SafeStorageVault(safeStorage, store, false, logger, null);
    }
    return new SafeStorageVault(safeStorage, store, true, logger, await restore(safeStorage, store, logger));
  }

  /** Whether a write is still on its way to disk. */
  get pending(): boolean {
    return this.pendingWrites > 0;
  }

  load(): StoredTokens | null {
    return this.memory ? { ...this.memory } : null;
  }

  save(tokens: StoredTokens): void {
    this.memory = { ...tokens };
    const generation = ++this.generation;
    if (this.encrypted) this.queueWrite(generation, this.memory);
  }

  clear(): void {
    this.memory = null;
    this.generation++;
    this.store.delete(KEY);
  }

  /** Resolves once every write queued so far has reached the store (or failed and been logged). */
  flush(): Promise<void> {
    return this.writes;
  }

  private queueWrite(generation: number, tokens: StoredTokens): void {
    this.pendingWrites++;
    this.writes = this.writes
      .then(async () => {
        if (generation !== this.generation) return; // a newer save or a clear came meanwhile
        const cipher = await this.safeStorage.encryptStringAsync(JSON.stringify(tokens));
        if (generation === this.generation) this.store.set(KEY, cipher.toString('base64'));
      })
      .catch((error: unknown) => {
        this.logger.warn('tokens could not be encrypted; they are kept for this run only', { error: String(error).slice(0, 200) });
      })
      .finally(() => {
        this.pendingWrites--;
      });
  }
}

/** The stored tokens, decrypted; written again under the OS's new key when it asks. */
async function restore(safeStorage: SafeStorageLike, store: KeyValueStore, logger: Logger): Promise<StoredTokens | null> {
  const blob = store.get(KEY);
  if (typeof blob !== 'string') return null;
  try {
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(blob, 'base64'));
    const tokens = StoredTokensSchema.parse(JSON.parse(result));
    if (shouldReEncrypt) {
      try {
        store.set(KEY, (await safeStorage.encryptStringAsync(result)).toString('base64'));
        logger.info('stored tokens re-encrypted with the current OS key');
      } catch (error) {
        // still readable with the old key next time; try again then
        logger.warn('stored tokens could not be re-encrypted', { error: String(error).slice(0, 200) });
      }
    }
    return tokens;
  } catch {
    logger.warn('stored tokens unreadable; signing out');
    store.delete(KEY);
    return null;
  }
}
