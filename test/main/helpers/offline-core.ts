/**
 * A `CutlineCore` for tests that never reach the credit service: memory stores and vault, a
 * browser that opens nothing, and a service address where nothing listens. `extra` adds or
 * replaces dependencies (a media folder, a file picker, …).
 */
import { CutlineCore, type CoreDeps } from '../../../src/main/core/app-core';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { MemoryVault } from '../../../src/main/core/vault';

export function offlineCore(extra: Partial<CoreDeps> = {}): CutlineCore {
  return new CutlineCore({
    settingsStore: new MemoryStore(),
    dataStore: new MemoryStore(),
    vault: new MemoryVault(),
    openExternal: async () => {},
    logger: memoryLogger(),
    env: { CUTLINE_SERVICE_URL: 'http://127.0.0.1:9' },
    ...extra,
  });
}
