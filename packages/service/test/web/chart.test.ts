/** The server-drawn usage chart: axis scale, stacking, and markup that escapes and needs no script. */
import { describe, expect, it } from 'vitest';
import { barSegments, niceMax, usageChart } from '../../src/web/chart';
import type { DaySpend } from '../../src/service/accounts/usage';

const DAY = 86_400_000;
const day = (i: number, s = 0, a = 0, p = 0): DaySpend => ({ day: Date.UTC(2026, 10, 1) + i * DAY, byType: { subscription: s, activity: a, purchased: p }, total: s + a + p });

describe('usage chart', () => {
  it('picks a round axis maximum at or above the highest day', () => {
    expect(niceMax(0)).toBe(10);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(20)).toBe(20);
    expect(niceMax(21)).toBe(50);
    expect(niceMax(51)).toBe(100);
    expect(niceMax(999)).toBe(1000);
    expect(niceMax(1001)).toBe(2000);
  });

  it('stacks subscription, then activity, then purchased, proportionally', () => {
    const segs = barSegments(day(0, 50, 30, 20), 100);
    expect(segs.map((s) => s.type)).toEqual(['subscription', 'activity', 'purchased']);
    const heights = segs.map((s) => s.height);
    const total = heights.reduce((a, b) => a + b, 0);
    expect(total).toBe(180); // the plot is 180 px tall and the day is exactly the maximum
    expect(heights[0]).toBe(90);
    expect(heights[1]).toBe(54);
    expect(heights[2]).toBe(36);
    // Each segment sits on the one below it.
    expect(segs[0].y).toBe(segs[1].y + segs[1].height);
    expect(segs[1].y).toBe(segs[2].y + segs[2].height);
  });

  it('draws a tiny amount at least one pixel tall, and nothing for an empty day', () => {
    expect(barSegments(day(0, 0, 1), 10_000)).toEqual([expect.objectContaining({ type: 'activity', height: 1 })]);
    expect(barSegments(day(0), 10)).toEqual([]);
  });

  it('renders one titled group per day and a summary, without scripts', () => {
    const days = Array.from({ length: 30 }, (_, i) => day(i, i === 29 ? 12 : 0, i === 3 ? 4 : 0));
    const svg = usageChart(days).html;
    expect(svg.match(/<g data-day=/g)).toHaveLength(30);
    expect(svg).toContain('<desc id="usage-desc">16 credits spent in the last 30 days.</desc>');
    expect(svg).toContain('<title>30 Nov: 12 credits (12 subscription)</title>');
    expect(svg).toContain('<title>4 Nov: 4 credits (4 activity)</title>');
    expect(svg).toContain('<title>1 Nov: nothing spent</title>');
    expect(svg).not.toMatch(/<script|on[a-z]+=/i);
    expect(usageChart(days.map((d) => ({ ...d, byType: { subscription: 0, activity: 0, purchased: 0 }, total: 0 }))).html).toContain('No credits spent in the last 30 days.');
  });
});
