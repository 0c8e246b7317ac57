/**
 * The safeStorage vault on Electron's asynchronous API: encrypted at rest, re-encrypted when the
 * OS rotates its key, or memory only with a warning — never plaintext. `electron` is mocked: its
 * `safeStorage` is a stand-in keychain whose key version the tests can rotate.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';

type Backend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/**
 * Stands in for the OS keychain: a reversible transform whose output does not contain its input,
 * prefixed with the key version it was made with; data made with an older key still decrypts,
 * and says it should be encrypted again.
 */
const keychain = vi.hoisted(() => ({
  available: true,
  backend: 'gnome_libsecret' as string,
  keyVersion: 1,
  /** Calls to the deprecated synchronous API (there must be none). */
  syncCalls: 0,
  encryptions: 0,
  /** Set to make the next encryptions wait for `release()`. */
  gate: null as null | { promise: Promise<void>; release(): void },
}));

vi.mock('electron', () => {
  const xor = (bytes: Uint8Array) => Buffer.from([...bytes].map((b) => b ^ 0xa5));
  return {
    safeStorage: {
      isAsyncEncryptionAvailable: async () => keychain.available,
      getSelectedStorageBackend: () => keychain.backend,
      encryptStringAsync: async (plain: string) => {
        keychain.encryptions++;
        if (keychain.gate) await keychain.gate.promise;
        return Buffer.concat([Buffer.from([keychain.keyVersion]), xor(Buffer.from(plain, 'utf8'))]);
      },
      decryptStringAsync: async (cipher: Buffer) => {
        if (cipher.length < 2 || cipher[0] > keychain.keyVersion || cipher[0] === 0) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return { result: xor(cipher.subarray(1)).toString('utf8'), shouldReEncrypt: cipher[0] < keychain.keyVersion };
      },
      isEncryptionAvailable: () => {
        keychain.syncCalls++;
        return keychain.available;
      },
      encryptString: () => {
        keychain.syncCalls++;
        throw new Error('synchronous safeStorage is removed in Electron 46');
      },
      decryptString: () => {
        keychain.syncCalls++;
        throw new Error('synchronous safeStorage is removed in Electron 46');
      },
    },
  };
});

const { NO_ENCRYPTION_WARNING, SafeStorageVault } = await import('../../../src/main/electron/vault');

const tokens = { accessToken: 'access-token-1234567890', refreshToken: 'refresh-token-1234567890' };
const rotated = { accessToken: 'access-token-rotated-000', refreshToken: 'refresh-token-rotated-000' };

function gate() {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

beforeEach(() => {
  Object.assign(keychain, { available: true, backend: 'gnome_libsecret', keyVersion: 1, syncCalls: 0, encryptions: 0, gate: null });
});

describe('SafeStorageVault (async safeStorage)', () => {
  it('keeps tokens encrypted at rest and reads them back in the next run', async () => {
    const store = new MemoryStore();
    const vault = await SafeStorageVault.open(store, 'darwin', memoryLogger());
    expect(vault.warning).toBeNull();
    vault.save(tokens);
    expect(vault.load()).toEqual(tokens); // at once, before the write finished
    await vault.flush();
    const atRest = JSON.stringify(store.get('tokens'));
    expect(atRest).not.toContain(tokens.accessToken);
    expect(atRest).not.toContain(tokens.refreshToken);
    const nextRun = await SafeStorageVault.open(store, 'darwin', memoryLogger());
    expect(nextRun.load()).toEqual(tokens);
    nextRun.clear();
    expect(store.get('tokens')).toBeUndefined();
    expect((await SafeStorageVault.open(store, 'darwin', memoryLogger())).load()).toBeNull();
    expect(keychain.syncCalls).toBe(0);
  });

  it('re-encrypts stored tokens when the OS says its key changed', async () => {
    const store = new MemoryStore();
    const first = await SafeStorageVault.open(store, 'win32', memoryLogger());
    first.save(tokens);
    await first.flush();
    const madeWithKey1 = store.get('tokens') as string;
    expect(Buffer.from(madeWithKey1, 'base64')[0]).toBe(1);

    keychain.keyVersion = 2;
    const logger = memoryLogger();
    const nextRun = await SafeStorageVault.open(store, 'win32', logger);
    expect(nextRun.load()).toEqual(tokens);
    const now = store.get('tokens') as string;
    expect(now).not.toBe(madeWithKey1);
    expect(Buffer.from(now, 'base64')[0]).toBe(2);
    expect(logger.records.map((r) => r.message)).toContain('stored tokens re-encrypted with the current OS key');

    // read again: nothing left to re-encrypt
    const encryptions = keychain.encryptions;
    expect((await SafeStorageVault.open(store, 'win32', memoryLogger())).load()).toEqual(tokens);
    expect(keychain.encryptions).toBe(encryptions);
  });

  it.each([
    ['no OS encryption', 'win32' as const, { available: false }],
    ["Linux's plaintext fallback", 'linux' as const, { backend: 'basic_text' satisfies Backend }],
  ])('with %s: writes nothing, keeps tokens in memory and warns', async (_name, platform, os) => {
    Object.assign(keychain, os);
    const store = new MemoryStore();
    store.set('tokens', 'left over from an earlier run');
    const vault = await SafeStorageVault.open(store, platform, memoryLogger());
    expect(vault.warning).toBe(NO_ENCRYPTION_WARNING);
    expect(store.get('tokens')).toBeUndefined();
    vault.save(tokens);
    await vault.flush();
    expect(store.get('tokens')).toBeUndefined();
    expect(keychain.encryptions).toBe(0);
    expect(vault.load()).toEqual(tokens);
    expect((await SafeStorageVault.open(store, platform, memoryLogger())).load()).toBeNull();
  });

  it('drops a stored blob it cannot decrypt', async () => {
    const store = new MemoryStore();
    store.set('tokens', Buffer.from('garbage').toString('base64'));
    const logger = memoryLogger();
    const vault = await SafeStorageVault.open(store, 'win32', logger);
    expect(vault.load()).toBeNull();
    expect(store.get('tokens')).toBeUndefined();
    expect(logger.records[0].message).toMatch(/unreadable/);
  });

  it('writes the newest tokens last, and a sign-out during a write is not undone by it', async () => {
    const store = new MemoryStore();
    const vault = await SafeStorageVault.open(store, 'darwin', memoryLogger());
    keychain.gate = gate();
    vault.save(tokens);
    vault.save(rotated); // a refresh rotated both tokens while the first write was encrypting
    expect(vault.pending).toBe(true);
    keychain.gate.release();
    await vault.flush();
    expect(vault.pending).toBe(false);
    expect((await SafeStorageVault.open(store, 'darwin', memoryLogger())).load()).toEqual(rotated);

    keychain.gate = gate();
    vault.save(tokens);
    vault.clear();
    keychain.gate.release();
    await vault.flush();
    expect(store.get('tokens')).toBeUndefined();
    expect((await SafeStorageVault.open(store, 'darwin', memoryLogger())).load()).toBeNull();
  });
});
