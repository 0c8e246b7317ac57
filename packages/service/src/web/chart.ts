/**
 * The usage chart of /credits: credits spent per day, stacked by type, as inline SVG drawn on
 * the server (no script, no image request). Pure: same input, same markup.
 */
import { CREDIT_TYPES, type CreditType } from '@cutline/contract/credit-types';
import type { DaySpend } from '../service/accounts/usage';
import { fmtDay, fmtInt, plural } from './format';
import { html, type Raw } from '../http/html';

export const TYPE_COLOR: Record<CreditType, string> = { subscription: '#5b4bff', activity: '#e08a00', purchased: '#0f9d6e' };

const W = 720;
const H = 220;
const PAD = { left: 44, right: 8, top: 12, bottom: 28 };

/** The smallest "nice" axis maximum (1, 2, 5 × 10^k) at or above `n`, and at least 10 (so the half-way line is a whole number). */
export function niceMax(n: number): number {
  if (n <= 10) return 10;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

export interface BarSegment {
  type: CreditType;
  y: number;
  height: number;
}

/** Stacked segments of one day's bar (subscription at the bottom), in SVG coordinates. */
export function barSegments(day: DaySpend, max: number): BarSegment[] {
  const plotH = H - PAD.top - PAD.bottom;
  const base = H - PAD.bottom;
  const out: BarSegment[] = [];
  let acc = 0;
  for (const type of CREDIT_TYPES) {
    const v = day.byType[type];
    if (v <= 0) continue;
    const y0 = base - Math.round((acc / max) * plotH);
    acc += v;
    let y1 = base - Math.round((acc / max) * plotH);
    if (y1 >= y0) y1 = y0 - 1; // anything spent is at least one pixel tall
    out.push({ type, y: y1, height: y0 - y1 });
  }
  return out;
}

function dayTitle(d: DaySpend): string {
  if (d.total === 0) return `${fmtDay(d.day)}: nothing spent`;
  const parts = CREDIT_TYPES.filter((t) => d.byType[t] > 0).map((t) => `${fmtInt(d.byType[t])} ${t}`);
  return `${fmtDay(d.day)}: ${plural(d.total, 'credit')} (${parts.join(', ')})`;
}

export function usageChart(days: readonly DaySpend[]): Raw {
  const total = days.reduce((s, d) => s + d.total, 0);
  const max = niceMax(Math.max(0, ...days.map((d) => d.total)));
  const plotW = W - PAD.left - PAD.right;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, Math.floor(slot * 0.7));
  const base = H - PAD.bottom;
  const plotH = H - PAD.top - PAD.bottom;
  const grid = [0, max / 2, max].map((v) => {
    const y = base - Math.round((v / max) * plotH);
    return html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="currentColor" stroke-opacity="0.15"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="currentColor" fill-opacity="0.7">${fmtInt(v)}</text>`;
  });
  const bars = days.map((d, i) => {
    const x = Math.round(PAD.left + i * slot + (slot - barW) / 2);
    const segs = barSegments(d, max).map(
      (s) => html`<rect class="bar bar-${s.type}" x="${x}" y="${s.y}" width="${barW}" height="${s.height}" fill="${TYPE_COLOR[s.type]}"/>`,
    );
    // A transparent full-height target so every day has a tooltip, spent or not.
    return html`<g data-day="${new Date(d.day).toISOString().slice(0, 10)}" data-total="${d.total}"><title>${dayTitle(d)}</title><rect x="${x}" y="${PAD.top}" width="${barW}" height="${plotH}" fill="transparent"/>${segs}</g>`;
  });
  const labels = days
    .map((d, i) => ({ d, i }))
    .filter(({ i }) => i % 5 === 0 || i === days.length - 1)
    .map(({ d, i }) => html`<text x="${Math.round(PAD.left + i * slot + slot / 2)}" y="${H - 8}" text-anchor="middle" font-size="11" fill="currentColor" fill-opacity="0.7">${fmtDay(d.day)}</text>`);
  const summary = total === 0 ? `No credits spent in the last ${days.length} days.` : `${plural(total, 'credit')} spent in the last ${days.length} days.`;
  return html`<svg class="usage-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="usage-title usage-desc" xmlns="http://www.w3.org/2000/svg">
<title id="usage-title">Credits spent per day, last ${days.length} days (UTC)</title><desc id="usage-desc">${summary}</desc>
${grid}${bars}${labels}</svg>`;
}
