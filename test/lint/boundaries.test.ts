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
  ['db ↛ service', 'packages/service/src/db/x.ts', "import { newId } from '../service/kernel/ids';\nvoid newId;", /below the service/],
  ['a migration ↛ service', 'packages/service/src/db/migrations/x.ts', "import { newId } from '../../service/kernel/ids';\nvoid newId;", /below the service/],
  ['ledger ↛ storage', 'packages/service/src/ledger/x.ts', "import { openSqlite } from '../db/sqlite';\nvoid openSqlite;", /pure/],
  ['service ↛ http', 'packages/service/src/service/charges/x.ts', "import { parse } from '../../http/validate';\nvoid parse;", /knows nothing of HTTP/],
  ['service ↛ web', 'packages/service/src/service/x.ts', "import { viewerOf } from '../web/session';\nvoid viewerOf;", /knows nothing of HTTP/],
  ['http ↛ storage', 'packages/service/src/http/x.ts', "import { openSqlite } from '../db/sqlite';\nvoid openSqlite;", /never storage/],
  ['web ↛ storage', 'packages/service/src/web/x.ts', "import { eventsBetween } from '../db/event-log';\nvoid eventsBetween;", /never storage/],
  ['http ↛ SQL', 'packages/service/src/http/x.ts', "export const q = 'SELECT * FROM users WHERE id = ?';", /No SQL in the HTTP layer/],
  ['http ↛ web', 'packages/service/src/http/x.ts', "import { viewerOf } from '../web/session';\nvoid viewerOf;", /does not import the web pages/],
  ['http ↛ ctx.db', 'packages/service/src/http/x.ts', "import type { Ctx } from '../service/kernel/context';\nexport const f = (ctx: Ctx) => ctx.db.read(async () => 1);", /No database access in the HTTP layer/],
  ['web ↛ ctx.db', 'packages/service/src/web/x.ts', "import type { Ctx } from '../service/kernel/context';\nexport const f = (ctx: Ctx) => ctx.db.transaction(async () => 1);", /No database access in the HTTP layer/],
  ['web ↛ { db } = ctx', 'packages/service/src/web/x.ts', "import type { Ctx } from '../service/kernel/context';\nexport const f = ({ db }: Ctx) => db.read(async () => 1);", /No database access in the HTTP layer/],
  ['db ↛ electron', 'packages/service/src/db/x.ts', "import { app } from 'electron';\nvoid app;", /Only src\/main\/electron/],
  ['service ↛ electron', 'packages/service/src/x.ts', "import { app } from 'electron';\nvoid app;", /Only src\/main\/electron/],
  ['contract ↛ service', 'packages/contract/src/x.ts', "import { startServer } from '@cutline/service/start';\nvoid startServer;", /depends on no program/],
  ['device CLI ↛ service', 'packages/device-cli/src/x.ts', "import { startServer } from '@cutline/service/start';\nvoid startServer;", /over HTTP/],
];

const allowed: [string, string, string][] = [
  ['electron in its adapters', 'src/main/electron/x.ts', "import { app } from 'electron';\nvoid app;"],
  ['the preload: electron and the channel map', 'src/preload/x.ts', "import { ipcRenderer } from 'electron';\nimport { CHANNELS } from '@cutline/contract/ipc-channels';\nvoid ipcRenderer;\nvoid CHANNELS;"],
  ['the renderer: contract types and constants', 'src/renderer/src/x.ts', "import type { Tool } from '@cutline/contract/api';\nimport { CREDIT_TYPES } from '@cutline/contract/credit-types';\nexport const t: Tool[] = [];\nvoid CREDIT_TYPES;"],
  ['storage: the neutral clock and event types', 'packages/service/src/db/x.ts', "import type { Clock } from '../clock';\nimport type { HubEvent } from '../events';\nexport type T = [Clock, HubEvent];"],
  ['a migration: the migration type', 'packages/service/src/db/migrations/x.ts', "import type { Migration } from '../migrations';\nexport const m: Migration[] = [];"],
  ['http: the service', 'packages/service/src/http/x.ts', "import { quote } from '../service/charges/steps';\nvoid quote;"],
  ['web: the service and the HTTP layer', 'packages/service/src/web/x.ts', "import { planView } from '../service/accounts/reads';\nimport { html } from '../http/html';\nvoid planView;\nvoid html;"],
  ['the service: storage and the ledger', 'packages/service/src/service/charges/x.ts', "import type { Tx } from '../../db/db';\nimport { allocate } from '../../ledger/allocate';\nexport type T = Tx;\nvoid allocate;"],
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
