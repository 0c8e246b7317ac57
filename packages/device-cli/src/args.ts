/** Argument parsing for `npm run device -- …` with Node's own util.parseArgs (no dependency). */
import { parseArgs } from 'node:util';
import { ChargeProjectSchema, type ChargeProject } from '@cutline/contract/usage';

export const DEFAULT_SERVER = 'http://127.0.0.1:4780';
export const DEMO_PASSWORD = 'cutline-demo';

export const USAGE = `Usage: npm run device -- <command> [options]

A second device (web or mobile) for a Cutline account: sign in, look at the balance, spend a
tool, grant credits, and watch the balance change live while the desktop app reacts.

Commands:
  signin  --email E [--password P] [--platform web|mobile]
                      sign in through the real OAuth PKCE flow and remember the session
  login [--platform web|mobile]
                      sign in in your browser: prints the sign-in address and waits for the
                      browser to come back to a loopback listener (127.0.0.1, a free port)
  signout             revoke the session and forget it
  balance             total, split by type, batches with expiry, next expiry, Pro uses
  spend <tool> [--quantity N] [--fail] [--project NAME [--project-id ID]]
                      quote, hold, then capture (or, with --fail, release as failed);
                      --project names the project the charge is for (its id: the name
                      in lower case with dashes, unless --project-id gives one)
  tools               the tool catalogue with prices
  history [--limit N] the newest ledger entries (default 20)
  grant --email E [--type activity|purchased|subscription] --amount N
        [--days D | --permanent] [--source S] [--user-id ID] [--password P]
                      grant credits through the admin API (needs CUTLINE_ADMIN_TOKEN);
                      expires in 30 days unless --days or --permanent is given
  watch               print every balance event as it arrives, until Ctrl-C

Global options:
  --server URL        the credit service (default: $CUTLINE_SERVICE_URL or ${DEFAULT_SERVER})
  --email E           the account to act as (default: $CUTLINE_DEVICE_EMAIL, else the last sign-in)
  --json              machine-readable output (one JSON document; NDJSON for watch)
  -h, --help          this text

Sessions are stored per email in $CUTLINE_DEVICE_HOME (default ~/.cutline-device/), mode 0600.
The password defaults to $CUTLINE_DEVICE_PASSWORD, else the demo accounts' "${DEMO_PASSWORD}".
Exit codes: 0 done, 1 failed (one line on stderr), 2 bad arguments.`;

export class UsageError extends Error {}

export interface Globals {
  server: string;
  email: string | undefined;
  json: boolean;
}

export type Command =
  | { name: 'help' }
  | { name: 'signin'; email: string; password: string; platform: 'web' | 'mobile' }
  | { name: 'login'; platform: 'web' | 'mobile' }
  | { name: 'signout' }
  | { name: 'balance' }
  | { name: 'spend'; tool: string; quantity: number; fail: boolean; project?: ChargeProject }
  | { name: 'tools' }
  | { name: 'history'; limit: number }
  | {
      name: 'grant';
      type: 'activity' | 'purchased' | 'subscription';
      amount: number;
      days: number | null;
      permanent: boolean;
      source: string;
      userId: string | undefined;
      password: string;
    }
  | { name: 'watch' };

export interface Parsed {
  globals: Globals;
  command: Command;
}

const OPTIONS = {
  server: { type: 'string' },
  email: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  password: { type: 'string' },
  platform: { type: 'string' },
  quantity: { type: 'string' },
  fail: { type: 'boolean' },
  project: { type: 'string' },
  'project-id': { type: 'string' },
  limit: { type: 'string' },
  type: { type: 'string' },
  amount: { type: 'string' },
  days: { type: 'string' },
  permanent: { type: 'boolean' },
  source: { type: 'string' },
  'user-id': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
const GLOBAL: OptionName[] = ['server', 'email', 'json', 'help'];
const ALLOWED: Record<Command['name'], OptionName[]> = {
  help: [],
  signin: ['password', 'platform'],
  login: ['platform'],
  signout: [],
  balance: [],
  spend: ['quantity', 'fail', 'project', 'project-id'],
  tools: [],
  history: ['limit'],
  grant: ['type', 'amount', 'days', 'permanent', 'source', 'user-id', 'password'],
  watch: [],
};
const POSITIONALS: Record<Command['name'], number> = {
  help: 0, signin: 0, login: 0, signout: 0, balance: 0, spend: 1, tools: 0, history: 0, grant: 0, watch: 0,
};

/** `--project NAME [--project-id ID]` as the charge's project; the id defaults to the name in lower case with dashes. */
function projectOf(name: string | undefined, id: string | undefined): ChargeProject | undefined {
  if (name === undefined) {
    if (id !== undefined) throw new UsageError('--project-id needs --project (the project\'s name)');
    return undefined;
  }
  const project = { id: id ?? name.trim().toLowerCase().replace(/\s+/gu, '-').slice(0, 64), name: name.trim() };
  const parsed = ChargeProjectSchema.safeParse(project);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--project${issue.path[0] === 'id' ? '-id' : ''}: ${issue.message} (got "${issue.path[0] === 'id' ? project.id : project.name}")`);
  }
  return parsed.data;
}

function int(name: string, v: string | undefined, min: number, max: number, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^[0-9]{1,12}$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function isCommand(s: string): s is Command['name'] {
  return Object.hasOwn(ALLOWED, s);
}

/** Parses argv (without node and the script). Throws UsageError for anything malformed. */
export function parse(argv: readonly string[], env: Record<string, string | undefined>): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0] : String(e));
  }
  const { values: v, positionals } = parsed;
  const globals: Globals = {
    server: (v.server ?? env.CUTLINE_SERVICE_URL ?? DEFAULT_SERVER).replace(/\/+$/, ''),
    email: v.email ?? env.CUTLINE_DEVICE_EMAIL ?? undefined,
    json: v.json ?? false,
  };
  try {
    const u = new URL(globals.server);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--server must be an http(s) URL, got "${globals.server}"`);
  }
  if (v.help || positionals.length === 0 || positionals[0] === 'help') return { globals, command: { name: 'help' } };

  const [name, ...rest] = positionals;
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"`);
  const allowed = new Set<string>([...GLOBAL, ...ALLOWED[name]]);
  for (const key of Object.keys(v)) {
    if (!allowed.has(key)) throw new UsageError(`--${key} does not apply to "${name}"`);
  }
  if (rest.length !== POSITIONALS[name]) {
    throw new UsageError(POSITIONALS[name] === 0 ? `"${name}" takes no argument, got "${rest.join(' ')}"` : `"${name}" needs one argument`);
  }
  const password = v.password ?? env.CUTLINE_DEVICE_PASSWORD ?? DEMO_PASSWORD;

  switch (name) {
    case 'signin': {
      if (!globals.email) throw new UsageError('signin needs --email');
      const platform = v.platform ?? 'web';
      if (platform !== 'web' && platform !== 'mobile') throw new UsageError(`--platform must be web or mobile, got "${platform}"`);
      return { globals, command: { name, email: globals.email, password, platform } };
    }
    case 'login': {
      const platform = v.platform ?? 'web';
      if (platform !== 'web' && platform !== 'mobile') throw new UsageError(`--platform must be web or mobile, got "${platform}"`);
      return { globals, command: { name, platform } };
    }
    case 'spend': {
      const project = projectOf(v.project, v['project-id']);
      return { globals, command: { name, tool: rest[0], quantity: int('quantity', v.quantity, 1, 100, 1), fail: v.fail ?? false, ...(project && { project }) } };
    }
    case 'history':
      return { globals, command: { name, limit: int('limit', v.limit, 1, 200, 20) } };
    case 'grant': {
      const type = v.type ?? 'activity';
      if (type !== 'activity' && type !== 'purchased' && type !== 'subscription') {
        throw new UsageError(`--type must be activity, purchased or subscription, got "${type}"`);
      }
      if (v.days !== undefined && v.permanent) throw new UsageError('give either --days or --permanent, not both');
      if (!globals.email && !v['user-id']) throw new UsageError('grant needs --email (or --user-id)');
      const permanent = v.permanent ?? false;
      return {
        globals,
        command: {
          name,
          type,
          amount: int('amount', v.amount, 1, 1_000_000_000),
          days: permanent ? null : int('days', v.days, 1, 3650, 30),
          permanent,
          source: v.source ?? 'cli:device',
          userId: v['user-id'],
          password,
        },
      };
    }
    default:
      return { globals, command: { name } as Command };
  }
}
