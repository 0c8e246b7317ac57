/** The safeStorage vault: encrypted at rest, or memory only with a warning — never plaintext. */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { NO_ENCRYPTION_WARNING, SafeStorageVault } from '../../../src/main/electron/vault';

/** Stands in for the OS keychain: a reversible transform whose output does not contain its input. */
function osEncryption(options: { available: boolean; backend?: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown' }) {
  return {
    isEncryptionAvailable: () => options.available,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString: (plain: string) => Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0xa5)),
    decryptString: (cipher: Buffer) => Buffer.from([...cipher].map((b) => b ^ 0xa5)).toString('utf8'),
  };
}
const tokens = { accessToken: 'access-token-1234567890', refreshToken: 'refresh-token-1234567890' };

describe('SafeStorageVault', () => {
  it('keeps tokens encrypted at rest and reads them back in the next run', () => {
    const store = new MemoryStore();
    const vault = new SafeStorageVault(osEncryption({ available: true }), store, 'darwin', memoryLogger());
    expect(vault.warning).toBeNull();
    vault.save(tokens);
    const atRest = JSON.stringify(store.get('tokens'));
    expect(atRest).not.toContain(tokens.accessToken);
    expect(atRest).not.toContain(tokens.refreshToken);
    const nextRun = new SafeStorageVault(osEncryption({ available: true }), store, 'darwin', memoryLogger());
    expect(nextRun.load()).toEqual(tokens);
    nextRun.clear();
    expect(store.get('tokens')).toBeUndefined();
    expect(new SafeStorageVault(osEncryption({ available: true }), store, 'darwin', memoryLogger()).load()).toBeNull();
  });

  it.each([
    ['no OS encryption', 'win32', osEncryption({ available: false })],
    ["Linux's plaintext fallback", 'linux', osEncryption({ available: true, backend: 'basic_text' })],
  ] as const)('with %s: writes nothing, keeps tokens in memory and warns', (_name, platform, safeStorage) => {
    const store = new MemoryStore();
    const vault = new SafeStorageVault(safeStorage, store, platform, memoryLogger());
    expect(vault.warning).toBe(NO_ENCRYPTION_WARNING);
    vault.save(tokens);
    expect(store.get('tokens')).toBeUndefined();
    expect(vault.load()).toEqual(tokens);
    expect(new SafeStorageVault(safeStorage, store, platform, memoryLogger()).load()).toBeNull();
  });

  it('drops a stored blob it cannot decrypt', () => {
    const store = new MemoryStore();
    store.set('tokens', Buffer.from('garbage').toString('base64'));
    const logger = memoryLogger();
    const vault = new SafeStorageVault(osEncryption({ available: true }), store, 'win32', logger);
    expect(vault.load()).toBeNull();
    expect(store.get('tokens')).toBeUndefined();
    expect(logger.records[0].message).toMatch(/unreadable/);
  });
});
