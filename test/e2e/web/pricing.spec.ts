/// <reference lib="dom" />
/**
 * Issue 18 item 10: the pricing page as a product's — no price broken inside its figure, the plans
 * filling their rows evenly (Teams never alone), what each AI tool costs from the catalogue. With
 * JavaScript off (the fixtures turn it off).
 */
import { TOOLS } from '@cutline/contract/tools';
import { expect, shot, test } from './support';

for (const width of [1280, 900, 700, 390]) {
  test(`at ${width} px wide: every price on one line, plans in even rows`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/pricing');
    const plans = page.locator('[data-plan]');
    await expect(plans).toHaveCount(4);
    // a figure is one line box: never "$9.99 /" here and "month" there inside it
    const figures = await page.locator('[data-price] .figure').evaluateAll((els) => els.map((el) => el.getClientRects().length));
    expect(figures).toEqual([1, 1, 1, 1]);
    // and nothing of a price sticks out of its card
    const outside = await plans.evaluateAll((els) =>
      els.flatMap((card) => {
        const box = card.getBoundingClientRect();
        return Array.from(card.querySelectorAll('[data-price] span')).filter((s) => s.getBoundingClientRect().right > box.right + 0.5).map((s) => s.textContent);
      }),
    );
    expect(outside).toEqual([]);
    const rows = await plans.evaluateAll((els) => {
      const tops = new Map<number, number>();
      for (const el of els) {
        const top = Math.round(el.getBoundingClientRect().top);
        tops.set(top, (tops.get(top) ?? 0) + 1);
      }
      return [...tops.values()];
    });
    expect(new Set(rows).size).toBe(1); // 4, 2 + 2 or 1 + 1 + 1 + 1
    expect(rows.reduce((a, b) => a + b, 0)).toBe(4);
    await shot(page, info, `pricing-${width}`);
  });
}

test('lists what every AI tool costs, from the catalogue, and what it works on', async ({ page }) => {
  await page.goto('/pricing');
  const rows = page.locator('[data-tool]');
  await expect(rows).toHaveCount(TOOLS.length);
  for (const t of TOOLS) {
    const row = page.locator(`[data-tool="${t.id}"]`);
    await expect(row).toContainText(t.name);
    await expect(row.locator('[data-cost]')).toHaveText(`${t.cost} credits`);
  }
  await expect(page.locator('[data-tool="premium-voiceover"]')).toContainText('Video, audio');
  await expect(page.locator('[data-tool="ai-image"]')).toContainText('Makes a new image clip');
});
