/**
 * The import boundaries of docs/architecture.md, as eslint.config.js encodes them: each forbidden
 * arrow, written into a file where it does not belong, is an error; the allowed ones are not.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const forbidden: [string, string, string, RegExp][] = [
  ['renderer ↛ main', 'src/renderer/src/x.ts', "import { CutlineCore } from '../../main/core/app-core';\nvoid CutlineCore;", /window\.cutline/],
  ['renderer ↛ service', 'src/renderer/src/x.ts', "import { allocate } from '@cutline/service/ledger/allocate';\nvoid allocate;", /never talks to the service/],
  ['core ↛ electron', 'src/main/core/x.ts', "import { app } from 'electron';\nvoid app;", /Only src\/main\/electron/],
  ['core ↛ service', 'src/main/core/x.ts', "import { startServer } from '@cutline/service/start';\nvoid startServer;", /over HTTP only/],
  ['devhost ↛ electron', 'src/devhost/x.ts', "import { app } from 'electron';\nvoid app;", /Only src\/main\/electron/],
  ['preload ↛ zod', 'src/preload/x.ts', "import { z } from 'zod';\nvoid z;", /free of zod/],
  ['preload ↛ API schemas', 'src/preload/x.ts', "import { MeSchema } from '@cutline/contract/api';\nvoid MeSchema;", /only the channel map/],
  ['store ↛ service', 'packages/service/src/store/x.ts', "import { systemClock } from '../service/context';\nvoid systemClock;", /below the service/],
  ['ledger ↛ storage', 'packages/service/src/ledger/x.ts', "import { openSqlite } from '../store/sqlite';\nvoid openSqlite;", /pure/],
  ['http ↛ storage', 'packages/service/src/http/x.ts', "import { openSqlite } from '../store/sqlite';\nvoid openSqlite;", /never storage/],
  ['http ↛ SQL', 'packages/service/src/http/x.ts', "export const q = 'SELECT * FROM users WHERE id = ?';", /No SQL in the HTTP layer/],
  ['service ↛ electron', 'packages/service/src/x.ts', "import { app } from 'electron';\nvoid app;", /Only src\/main\/electron/],
  ['contract ↛ service', 'packages/contract/src/x.ts', "import { startServer } from '@cutline/service/start';\nvoid startServer;", /depends on no program/],
  ['device CLI ↛ service', 'packages/device-cli/src/x.ts', "import { startServer } from '@cutline/service/start';\nvoid startServer;", /over HTTP/],
];

const allowed: [string, string, string][] = [
  ['electron in its adapters', 'src/main/electron/x.ts', "import { app } from 'electron';\nvoid app;"],
  ['the preload: electron and the channel map', 'src/preload/x.ts', "import { ipcRenderer } from 'electron';\nimport { CHANNELS } from '@cutline/contract/ipc-channels';\nvoid ipcRenderer;\nvoid CHANNELS;"],
  ['the renderer: contract types and constants', 'src/renderer/src/x.ts', "import type { Tool } from '@cutline/contract/api';\nimport { CREDIT_TYPES } from '@cutline/contract/credit-types';\nexport const t: Tool[] = [];\nvoid CREDIT_TYPES;"],
  ['storage: the neutral clock and event types', 'packages/service/src/store/x.ts', "import type { Clock } from '../clock';\nimport type { HubEvent } from '../events';\nexport type T = [Clock, HubEvent];"],
  ['http: the service', 'packages/service/src/http/x.ts', "import { quote } from '../service/charges';\nvoid quote;"],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(forbidden)('%s is an error', async (_name, file, code, reason) => {
    const found = await problems(file, code);
    expect(found.join('\n')).toMatch(reason);
  });

  it.each(allowed)('%s is allowed', async (_name, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
