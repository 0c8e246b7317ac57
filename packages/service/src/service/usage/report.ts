/**
 * Usage reports (docs/api.md § Usage): the period asked for, captured charges grouped by tool,
 * member, project or UTC day (`groupRows`, pure), and `usageReport` — `GET /v1/usage`, the web's
 * usage tables and the desktop's project cost. The CSV (csv.ts) reads the same pages, so its
 * credits add up to the same total.
 */
import { isTeamAdmin } from '@cutline/contract/credit-types';
import { findTool } from '@cutline/contract/tools';
import type { Usage, UsageGroup, UsageQuery, UsageRow, UsageScope } from '@cutline/contract/usage';
import type { Ctx } from '../kernel/context';
import { requireUser } from '../accounts/state';
import { ServiceError } from '../kernel/errors';
import { iso } from '../kernel/rows';
import { capturedPage, type CapturedCharge, type PageCursor, type UsageFilter } from './records';

const DAY_MS = 86_400_000;
/** Without `from`, a period is the 30 days before `to`. */
export const DEFAULT_PERIOD_MS = 30 * DAY_MS;
const PAGE = 1000;

export interface Period {
  from: number;
  to: number;
}

/** The period a query names: `to` defaults to now, `from` to 30 days before `to`. */
export function periodOf(q: Pick<UsageQuery, 'from' | 'to'>, now: number): Period {
  const to = q.to !== undefined ? Date.parse(q.to) : now;
  const from = q.from !== undefined ? Date.parse(q.from) : to - DEFAULT_PERIOD_MS;
  return { from, to };
}

/** Every captured charge of the filter in `[from, to)`, oldest first, a page (one read) at a time. */
export async function* capturedCharges(ctx: Ctx, f: UsageFilter, p: Period, pageSize = PAGE): AsyncGenerator<CapturedCharge[]> {
  let after: PageCursor = null;
  for (;;) {
    const page = await ctx.db.read((tx) => capturedPage(tx, f, p.from, p.to, after, pageSize));
    if (page.length) yield page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1];
    after = { at: last.capturedAt, id: last.id };
  }
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const DAY_LABEL = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Label of a project key with no project. */
export const NO_PROJECT = 'No project';

/** Groups captured charges (oldest first) into rows; a Pro-use charge counts 0 credits and 1 action. */
export class UsageGrouper {
  private readonly groups = new Map<string | null, UsageRow>();
  readonly total = { credits: 0, actions: 0 };
  constructor(private readonly groupBy: UsageGroup) {}

  add(c: CapturedCharge): void {
    const [key, label] = this.keyOf(c);
    let row = this.groups.get(key);
    if (!row) this.groups.set(key, (row = { key, label, credits: 0, actions: 0 }));
    row.label = label; // the newest name a project had
    row.credits += c.credits;
    row.actions += 1;
    this.total.credits += c.credits;
    this.total.actions += 1;
  }

  private keyOf(c: CapturedCharge): [string | null, string] {
    switch (this.groupBy) {
      case 'tool':
        return [c.tool, findTool(c.tool)?.name ?? c.tool];
      case 'member':
        return [c.userId, c.email];
      case 'project':
        return c.projectId === null ? [null, NO_PROJECT] : [c.projectId, c.projectName ?? c.projectId];
      case 'day': {
        const day = utcDay(c.capturedAt);
        return [day, DAY_LABEL.format(c.capturedAt)];
      }
    }
  }

  /** Days in order; anything else by credits, then actions (most first), then key. */
  rows(): UsageRow[] {
    const rows = [...this.groups.values()];
    if (this.groupBy === 'day') return rows.sort((a, b) => (a.key! < b.key! ? -1 : 1));
    return rows.sort((a, b) => b.credits - a.credits || b.actions - a.actions || String(a.key ?? '').localeCompare(String(b.key ?? '')));
  }
}

export interface UsageRequest {
  /** Whose charges: the caller's (`me`), or every member's that drew on the team's pool (`team`). */
  filter: UsageFilter;
  period: Period;
  groupBy: UsageGroup;
  scope: UsageScope;
}

/** The period's captured charges grouped several ways in one read (the web's usage tables). */
export async function usageBreakdown<G extends UsageGroup>(ctx: Ctx, f: UsageFilter, period: Period, groups: readonly G[]): Promise<{ rows: Record<G, UsageRow[]>; total: Usage['total'] }> {
  const groupers = groups.map((g) => new UsageGrouper(g));
  for await (const page of capturedCharges(ctx, f, period)) for (const c of page) for (const g of groupers) g.add(c);
  const rows = Object.fromEntries(groups.map((g, i) => [g, groupers[i].rows()])) as Record<G, UsageRow[]>;
  return { rows, total: groupers[0]?.total ?? { credits: 0, actions: 0 } };
}

export async function usageReport(ctx: Ctx, r: UsageRequest): Promise<Usage> {
  const { rows, total } = await usageBreakdown(ctx, r.filter, r.period, [r.groupBy]);
  return {
    from: iso(r.period.from),
    to: iso(r.period.to),
    groupBy: r.groupBy,
    scope: r.scope,
    ...(r.filter.projectId !== undefined ? { project: r.filter.projectId } : {}),
    rows: rows[r.groupBy],
    total,
  };
}

/**
 * A query as the caller may ask it: the period resolved, and the scope checked — `me` is the
 * caller's own charges; `team` (every member's charges that drew on the pool) is for team admins.
 */
export async function usageRequest(ctx: Ctx, userId: string, q: UsageQuery): Promise<UsageRequest> {
  const project = q.project !== undefined ? { projectId: q.project } : {};
  const base = { period: periodOf(q, ctx.clock.now()), groupBy: q.groupBy, scope: q.scope };
  if (q.scope === 'me') return { ...base, filter: { userId, ...project } };
  const user = await ctx.db.read((tx) => requireUser(tx, userId));
  if (user.team_id === null || !isTeamAdmin(user.team_role)) throw new ServiceError('forbidden', 'scope=team is for team admins');
  return { ...base, filter: { teamId: user.team_id, ...project } };
}
