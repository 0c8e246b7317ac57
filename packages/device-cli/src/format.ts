/** Human-readable output of the device CLI. Pure: every function returns text. */
import type { BalanceEvent, BalanceSnapshot, Charge, LedgerEntry, QuoteResponse, Tool } from '@cutline/contract/api';

/** 2026-12-01T00:00:00.000Z → "2026-12-01 00:00 UTC". */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** How far away an instant is, roughly: "in 3 days", "in 5 h", "in 12 min", "now". */
export function inTime(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return 'now';
  const min = Math.round(ms / 60_000);
  if (min < 90) return `in ${Math.max(1, min)} min`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(ms / 86_400_000)} days`;
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const credits = (n: number) => `${n} credit${n === 1 ? '' : 's'}`;

export function balanceText(b: BalanceSnapshot, email: string, now: number): string {
  const lines = [
    `Balance of ${email} (version ${b.version})`,
    `  Total        ${credits(b.total)} to spend${b.held ? ` (${b.held} more held by running actions)` : ''}`,
    `  By type      subscription ${b.byType.subscription} · activity ${b.byType.activity} · purchased ${b.byType.purchased}`,
  ];
  if (b.proUses) lines.push(`  Pro uses     ${b.proUses.remaining} of ${b.proUses.perCycle} left this cycle`);
  lines.push(
    b.nextExpiry
      ? `  Next expiry  ${credits(b.nextExpiry.amount)} on ${when(b.nextExpiry.at)} (${inTime(b.nextExpiry.at, now)})`
      : '  Next expiry  nothing expires',
  );
  if (b.batches.length === 0) {
    lines.push('  Batches      none');
  } else {
    lines.push('  Batches (in spending order):');
    for (const x of b.batches) {
      const exp = x.expiresAt ? `expires ${when(x.expiresAt)} (${inTime(x.expiresAt, now)})` : 'permanent';
      lines.push(`    ${pad(x.type, 12)} ${lpad(x.remaining, 7)}  ${pad(exp, 44)} ${x.scope === 'team' ? 'team pool, ' : ''}${x.source}`);
    }
  }
  return lines.join('\n');
}

export function toolsText(tools: readonly Tool[]): string {
  const w = Math.max(...tools.map((t) => t.id.length), 4);
  const head = `${pad('tool', w)}  ${pad('name', 20)} ${lpad('cost', 5)}  Pro use`;
  return [head, ...tools.map((t) => `${pad(t.id, w)}  ${pad(t.name, 20)} ${lpad(t.cost, 5)}  ${t.eligibleForProUses ? 'yes' : 'no'}`)].join('\n');
}

function partsText(parts: readonly { type: string; batchId: string; amount: number }[]): string {
  return parts.map((p) => `${p.type} ${p.amount} (${p.batchId})`).join(', ');
}

export function quoteText(q: QuoteResponse, toolName: string, quantity: number): string {
  const what = `${toolName}${quantity > 1 ? ` ×${quantity}` : ''}`;
  if (q.usesProUse) return `Quote: ${what} uses ${quantity} Pro use${quantity > 1 ? 's' : ''} (no credits).`;
  if (!q.covered) return `Quote: ${what} costs ${credits(q.cost)}; only ${q.balance.total} available.`;
  return `Quote: ${what} costs ${credits(q.cost)}, from ${partsText(q.plan)}.`;
}

export function holdText(c: Charge, toolName = c.tool): string {
  if (c.usesProUse) return `Held ${c.quantity} Pro use${c.quantity > 1 ? 's' : ''} for ${toolName} (charge ${c.id}).`;
  return `Held ${credits(c.cost)} for ${toolName} (charge ${c.id}) from ${partsText(c.allocation)}.`;
}

export function settleText(c: Charge, b: BalanceSnapshot, toolName = c.tool): string {
  const amount = c.usesProUse ? `${c.quantity} Pro use${c.quantity > 1 ? 's' : ''}` : credits(c.cost);
  const tail = `Balance now ${credits(b.total)}${b.proUses ? `, ${b.proUses.remaining} Pro uses` : ''} (version ${b.version}).`;
  if (c.status === 'captured') return `Captured: ${toolName} used ${amount}. ${tail}`;
  return `Released (${c.releaseReason ?? 'failed'}): ${amount} went back where ${c.usesProUse ? 'it' : 'they'} came from. ${tail}`;
}

function deviceText(d: { id: string; platform: string } | null | undefined): string {
  return d ? `${d.platform}:${d.id}` : '';
}

/** The amount as the account saw it move (as the web history shows it): an exchange adds credits and takes Pro uses. */
export function signed(e: Pick<LedgerEntry, 'kind' | 'amount' | 'unit'>): string {
  const exchangedUses = e.kind === 'exchange' && e.unit === 'proUses';
  const minus = e.kind === 'hold' || e.kind === 'expire' || exchangedUses;
  const plus = e.kind === 'grant' || e.kind === 'release' || e.kind === 'purchase' || (e.kind === 'exchange' && !exchangedUses);
  return `${minus ? '-' : plus ? '+' : ' '}${e.amount}`;
}

/** `self`: this device's account id; a teammate's movement of the team pool is marked with who made it. */
export function historyText(entries: readonly LedgerEntry[], self?: string): string {
  if (entries.length === 0) return 'No history yet.';
  const head = `${pad('when', 21)} ${pad('kind', 8)} ${lpad('amount', 7)}  ${pad('type', 12)} ${pad('tool', 18)} device`;
  const rows = entries.map((e) => {
    const unit = e.unit === 'proUses' ? ' Pro use' : '';
    return `${pad(when(e.at), 21)} ${pad(e.kind, 8)} ${lpad(signed(e), 7)}  ${pad((e.type ?? '') + unit, 12)} ${pad(e.tool ?? '', 18)} ${deviceText(e.device)}${e.member && e.member.id !== self ? ` by ${e.member.email}` : ''}`;
  });
  return [head, ...rows].join('\n');
}

/** One line per balance event of /v1/events. */
export function eventLine(e: BalanceEvent, id: string | undefined): string {
  const t = new Date().toISOString().slice(11, 19);
  const b = e.balance;
  const c = e.cause as BalanceEvent['cause'] & { entries?: LedgerEntry[] };
  const total = `total ${b.total}${b.held ? ` (held ${b.held})` : ''}${b.proUses ? `, Pro uses ${b.proUses.remaining}` : ''}`;
  if (c.kind === 'snapshot') return `${t}  v${id ?? b.version}  connected: ${total}`;
  const entries = c.entries ?? (c.entry ? [c.entry] : []);
  const moved = entries.length ? ' ' + entries.map((x) => `${signed(x)}${x.unit === 'proUses' ? ' Pro use' : ''}${x.type ? ' ' + x.type : ''}`).join(', ') : '';
  const tool = c.tool ? ` ${c.tool}` : '';
  const from = c.device ? ` from ${deviceText(c.device)}` : '';
  return `${t}  v${id ?? b.version}  ${c.kind}${tool}${moved}${from}  → ${total}`;
}
