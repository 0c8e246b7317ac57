/** What each subcommand of the device CLI does, over the API of docs/api.md. */
import { randomUUID } from 'node:crypto';
import type { Batch, BalanceSnapshot, ChargeResponse, LedgerPage, Me, QuoteResponse, TokenResponse, Tool } from '@cutline/contract/api';
import { CliError, DeviceApi, errorOf, jsonCall, pkceSignIn } from './api';
import { loopbackSignIn } from './loopback';
import type { Command, Globals } from './args';
import { balanceText, eventLine, historyText, holdText, quoteText, settleText, toolsText, when } from './format';
import { newDeviceId, type Session, type TokenStore } from './token-store';
import { watch } from './watch';

export interface Env {
  globals: Globals;
  store: TokenStore;
  env: Record<string, string | undefined>;
  now: () => number;
  signal: AbortSignal;
  /** Human text or, with --json, the value as JSON. */
  print(text: string, json: unknown): void;
  /** A line on stderr (notices while watching). */
  notice(text: string): void;
}

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

/** The stored session for --email (or the last sign-in), on this server. */
function device(e: Env): DeviceApi {
  const email = e.globals.email ?? e.store.current();
  if (!email) throw new CliError('no account chosen: sign in first (npm run device -- signin --email E) or pass --email', 'not_signed_in');
  const s = e.store.load(email);
  if (!s) throw new CliError(`${email} is not signed in on this device: npm run device -- signin --email ${email}`, 'not_signed_in');
  if (s.server !== e.globals.server) {
    throw new CliError(`${email} is signed in on ${s.server}, not ${e.globals.server}: sign in again with --server ${e.globals.server}`, 'not_signed_in');
  }
  return new DeviceApi(s, e.store, e.now);
}

export async function signin(e: Env, c: Of<'signin'>): Promise<void> {
  const server = e.globals.server;
  const tokens = await pkceSignIn(server, c.email, c.password);
  const me = await jsonCall<Me>(server, 'GET', '/v1/me', { token: tokens.access_token });
  if (me.status !== 200) throw errorOf(me);
  saveSignIn(e, tokens, me.body, c.platform);
}

/** `login`: the browser signs in; this device listens on a loopback port for the redirect. */
export async function login(e: Env, c: Of<'login'>): Promise<void> {
  const { tokens, me } = await loopbackSignIn(e.globals.server, {
    signal: e.signal,
    onUrl: (url) => e.notice(`Open this address in your browser to sign in (waiting for it to come back to this device):\n${url}`),
  });
  saveSignIn(e, tokens, me, c.platform);
}

function saveSignIn(e: Env, tokens: TokenResponse, me: Me, platform: 'web' | 'mobile'): void {
  const server = e.globals.server;
  const c = { platform };
  const prior = e.store.load(me.email);
  // The same device keeps its id across sign-ins (unless it now claims another platform).
  const deviceId = prior && prior.device.platform === c.platform ? prior.device.id : newDeviceId(c.platform);
  const session: Session = {
    server,
    email: me.email,
    userId: me.id,
    device: { id: deviceId, platform: c.platform },
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accessExpiresAt: e.now() + tokens.expires_in * 1000,
    savedAt: new Date(e.now()).toISOString(),
  };
  e.store.save(session);
  e.store.setCurrent(session.email);
  e.print(
    `Signed in as ${me.email} (${me.plan}) on ${server}, as ${c.platform} device ${deviceId}.\nSession saved in ${e.store.pathOf(session.email)}.`,
    { email: me.email, userId: me.id, plan: me.plan, server, device: session.device, file: e.store.pathOf(session.email) },
  );
}

export async function signout(e: Env): Promise<void> {
  const api = device(e);
  const r = await jsonCall(api.server, 'POST', '/oauth/revoke', { body: { token: api.session.refreshToken } });
  if (r.status !== 200) throw errorOf(r);
  e.store.remove(api.session.email);
  e.print(`Signed out ${api.session.email}: the session is revoked and forgotten.`, { email: api.session.email, signedOut: true });
}

export async function balance(e: Env): Promise<void> {
  const api = device(e);
  const b = await api.ok<BalanceSnapshot>('GET', '/v1/balance');
  e.print(balanceText(b, api.session.email, e.now()), b);
}

export async function tools(e: Env): Promise<void> {
  // The catalogue needs no sign-in.
  const r = await jsonCall<Tool[]>(e.globals.server, 'GET', '/v1/tools');
  if (r.status !== 200) throw errorOf(r);
  e.print(toolsText(r.body), r.body);
}

export async function history(e: Env, c: Of<'history'>): Promise<void> {
  const api = device(e);
  const page = await api.ok<LedgerPage>('GET', `/v1/ledger?limit=${c.limit}`);
  e.print(historyText(page.entries, api.session.userId), page);
}

/** POST /v1/charges, retried with the same Idempotency-Key if the connection drops. */
async function holdOnce(api: DeviceApi, body: unknown, key: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.call<ChargeResponse>('POST', '/v1/charges', { body, headers: { 'idempotency-key': key } });
    } catch (err) {
      if (!(err instanceof CliError) || err.code !== 'unreachable' || attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

export async function spend(e: Env, c: Of<'spend'>): Promise<void> {
  const api = device(e);
  const toolList = await jsonCall<Tool[]>(api.server, 'GET', '/v1/tools');
  const tool = toolList.status === 200 ? toolList.body.find((t) => t.id === c.tool) : undefined;
  if (toolList.status === 200 && !tool) {
    throw new CliError(`unknown tool "${c.tool}"; known tools: ${toolList.body.map((t) => t.id).join(', ')}`, 'invalid_request');
  }
  const name = tool?.name ?? c.tool;

  const q = await api.ok<QuoteResponse>('POST', '/v1/quotes', { body: { tool: c.tool, quantity: c.quantity } });
  const lines = [quoteText(q, name, c.quantity)];
  const key = `cli-${randomUUID()}`;
  const held = await holdOnce(api, { tool: c.tool, quantity: c.quantity, device: api.session.device, ...(c.project && { project: c.project }) }, key);
  if (held.status === 402) {
    const b = held.body as unknown as { message: string; cost: number; available: number; storeUrl: string };
    throw new CliError(`${b.message}. Buy credits at ${b.storeUrl}`, 'insufficient_credits', b as unknown as Record<string, unknown>);
  }
  if (held.status !== 201 && held.status !== 200) throw errorOf(held);
  lines.push(holdText(held.body.charge, name));

  const path = `/v1/charges/${encodeURIComponent(held.body.charge.id)}/${c.fail ? 'release' : 'capture'}`;
  const settled = await api.ok<ChargeResponse>('POST', path, c.fail ? { body: { reason: 'failed' } } : {});
  lines.push(settleText(settled.charge, settled.balance, name));
  e.print(lines.join('\n'), { quote: q, idempotencyKey: key, held: held.body.charge, charge: settled.charge, balance: settled.balance });
}

export async function grant(e: Env, c: Of<'grant'>): Promise<void> {
  const token = e.env.CUTLINE_ADMIN_TOKEN;
  if (!token) throw new CliError('grant needs the service\'s admin token in CUTLINE_ADMIN_TOKEN', 'forbidden');
  const server = e.globals.server;
  let userId = c.userId;
  let label = c.userId ?? '';
  if (!userId) {
    // The API has no lookup by email: read /v1/me as that user (stored session, or sign in).
    const email = e.globals.email!;
    const stored = e.store.load(email);
    let me: Me;
    if (stored && stored.server === server) {
      me = await new DeviceApi(stored, e.store, e.now).ok<Me>('GET', '/v1/me');
    } else {
      const t = await pkceSignIn(server, email, c.password);
      const r = await jsonCall<Me>(server, 'GET', '/v1/me', { token: t.access_token });
      await jsonCall(server, 'POST', '/oauth/revoke', { body: { token: t.refresh_token } });
      if (r.status !== 200) throw errorOf(r);
      me = r.body;
    }
    userId = me.id;
    label = me.email;
  }
  const expiresAt = c.permanent ? null : new Date(e.now() + c.days! * 86_400_000).toISOString();
  const r = await jsonCall<Batch>(server, 'POST', '/admin/v1/grants', {
    token,
    body: { userId, type: c.type, amount: c.amount, expiresAt, source: c.source },
  });
  if (r.status !== 201) throw errorOf(r);
  const b = r.body;
  e.print(
    `Granted ${b.remaining} ${b.type} credits to ${label} (batch ${b.id}, ${b.expiresAt ? `expires ${when(b.expiresAt)}` : 'permanent'}, source ${b.source}).`,
    { userId, batch: b },
  );
}

export async function watchCmd(e: Env): Promise<void> {
  const api = device(e);
  if (!e.globals.json) e.notice(`Watching ${api.session.email} on ${api.server}; Ctrl-C to stop.`);
  await watch(api, {
    signal: e.signal,
    onEvent: (ev, id) => e.print(eventLine(ev, id), { id: id ?? null, ...ev }),
    onNotice: (m) => e.notice(m),
  });
}
