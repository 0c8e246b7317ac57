/**
 * The usage card: captured credits and AI actions for a period the reader chooses (a GET form of
 * two days, so it works without scripts), with *Download CSV* (the API's CSV on the web session).
 * `/credits`: one's own charges by tool, by project and by UTC day (`GET /credits/usage.csv`);
 * `/team` (team admins): every member's charges that drew on the pool, by member, tool and day
 * (`GET /team/usage.csv`).
 */
import type { FastifyInstance } from 'fastify';
import type { UsageGroup, UsageRow } from '@cutline/contract/usage';
import { html, type Raw } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { csvFileName, usageCsv } from '../service/usage/csv';
import type { UsageFilter } from '../service/usage/records';
import { usageBreakdown, type Period } from '../service/usage/report';
import { teamAdminActor } from '../service/webhooks/subscriptions';
import { fmtInt, plural } from './format';
import { seeOther } from './layout';
import { signInUrl, viewerOf } from './session';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` day as its UTC start, or null. */
function dayStart(s: unknown): number | null {
  if (typeof s !== 'string' || !DAY.test(s)) return null;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isNaN(t) ? null : t;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The chosen period: `from` and `to` are UTC days, both included; by default the last 30 days. */
export interface ChosenPeriod extends Period {
  fromDay: string;
  toDay: string;
}

export function chosenPeriod(query: Record<string, unknown>, now: number): ChosenPeriod {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const hasFrom = query.from !== undefined && query.from !== '';
  const hasTo = query.to !== undefined && query.to !== '';
  const from = hasFrom ? dayStart(query.from) : today - 29 * DAY_MS;
  const to = hasTo ? dayStart(query.to) : today;
  if (from === null || to === null) throw new ServiceError('invalid_request', 'Choose the days of the period with the date fields (year-month-day).');
  if (from > to) throw new ServiceError('invalid_request', 'The first day of the period must not come after its last day.');
  if (to - from > 400 * DAY_MS) throw new ServiceError('invalid_request', 'A period can span at most 400 days.');
  return { from, to: to + DAY_MS, fromDay: dayOf(from), toDay: dayOf(to) };
}

function table(caption: string, what: string, rows: readonly UsageRow[], attr: string): Raw {
  if (!rows.length) return html`<h3>${caption}</h3><p class="muted">Nothing in this period.</p>`;
  return html`<h3>${caption}</h3><div class="table-wrap"><table data-usage="${attr}"><thead><tr><th>${what}</th><th class="num">Credits</th><th class="num">AI actions</th></tr></thead>
  <tbody>${rows.map((r) => html`<tr data-key="${r.key ?? ''}"><td>${r.label}</td><td class="num">${fmtInt(r.credits)}</td><td class="num">${fmtInt(r.actions)}</td></tr>`)}</tbody></table></div>`;
}

const GROUP_WORDS: Record<UsageGroup, [caption: string, what: string]> = {
  tool: ['By tool', 'Tool'],
  project: ['By project', 'Project'],
  day: ['By day', 'Day (UTC)'],
  member: ['By member', 'Member'],
};

/** Where a usage card is: its page, whose charges, and its tables in order. */
export interface UsagePlace {
  page: '/credits' | '/team';
  filter: UsageFilter;
  groups: readonly UsageGroup[];
}

export const ownUsage = (userId: string): UsagePlace => ({ page: '/credits', filter: { userId }, groups: ['tool', 'project', 'day'] });
export const teamUsage = (teamId: string): UsagePlace => ({ page: '/team', filter: { teamId }, groups: ['member', 'tool', 'day'] });

export async function usageCard(ctx: Ctx, place: UsagePlace, p: ChosenPeriod): Promise<Raw> {
  const { rows, total } = await usageBreakdown(ctx, place.filter, p, place.groups);
  const csv = `${place.page}/usage.csv?from=${p.fromDay}&to=${p.toDay}`;
  const whose = place.page === '/team' ? 'by the team’s members from its pool' : 'spent';
  return html`<section class="card" id="usage" aria-labelledby="where-h"><h2 id="where-h">Where the credits went</h2>
  <form method="get" action="${place.page}#usage" class="actions" aria-label="Usage period">
    <label for="usage-from" style="margin:0">From</label><input type="date" id="usage-from" name="from" value="${p.fromDay}" required>
    <label for="usage-to" style="margin:0">to</label><input type="date" id="usage-to" name="to" value="${p.toDay}" required>
    <button type="submit" class="secondary" style="margin:0">Show</button>
  </form>
  <p class="muted" data-usage-total="${total.credits}">${plural(total.credits, 'credit')} ${whose} on ${plural(total.actions, 'AI action')} from ${p.fromDay} to ${p.toDay} (UTC days, both included). Only actions that succeeded count; Pro uses count as actions, not credits.</p>
  <p><a class="button" href="${csv}" download>Download CSV</a></p>
  ${place.groups.map((g) => table(GROUP_WORDS[g][0], GROUP_WORDS[g][1], rows[g], g))}
</section>`;
}

export async function usageRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  for (const page of ['/credits', '/team'] as const) {
    app.get(`${page}/usage.csv`, async (req, reply) => {
      const viewer = await viewerOf(ctx, req);
      const query = (req.query ?? {}) as Record<string, unknown>;
      if (!viewer) return seeOther(reply, signInUrl(page));
      const p = chosenPeriod(query, ctx.clock.now());
      // The team's CSV is a team admin's (403 for a member, 404 outside a team).
      const filter = page === '/team' ? teamUsage((await teamAdminActor(ctx, viewer.session.userId)).teamId).filter : ownUsage(viewer.session.userId).filter;
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${csvFileName(p)}"`)
        .send(usageCsv(ctx, filter, p));
    });
  }
}
