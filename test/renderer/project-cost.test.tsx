// @vitest-environment happy-dom
/**
 * The project bar's cost of the open project: "This project: N credits · M AI actions", rising as
 * AI actions succeed (not when they fail), following the open project, and its breakdown by tool
 * one click away.
 */
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCutline, proAccount, proUsesAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith, settle } from './harness';

afterEach(cleanup);

async function setup(api: FakeCutline, failRate = 0) {
  const h = await makeStore(api, { failRate });
  const clips = addClips(h, 'interview', 'sunrise');
  await renderWith(h);
  return { h, clips, user: userEvent.setup() };
}

async function run(h: Awaited<ReturnType<typeof setup>>['h'], tool: string, clipId: string) {
  await act(() => h.store.getState().startAction(tool, { clipId }));
  await act(() => h.store.getState().confirmFlow());
  await advance(h, 3000);
}

const costText = () => screen.getByTestId('project-cost').textContent;

describe('what the open project has cost', () => {
  it('rises as AI actions succeed, and shows the cost by tool on a click', async () => {
    const { h, clips, user } = await setup(proAccount());
    expect(costText()).toBe('This project: 0 credits · 0 AI actions');
    await run(h, 'remove-background', clips[0]);
    expect(costText()).toBe('This project: 5 credits · 1 AI action');
    await run(h, 'auto-captions', clips[1]);
    await run(h, 'auto-captions', clips[0]);
    expect(costText()).toBe('This project: 11 credits · 3 AI actions');
    await user.click(screen.getByTestId('project-cost'));
    const panel = screen.getByRole('region', { name: "This project's cost by tool" });
    expect(within(panel).getAllByTestId('project-cost-row').map((r) => r.textContent)).toEqual([
      'Auto Captions 6 credits · 2 AI actions',
      'Remove Background 5 credits · 1 AI action',
    ]);
    expect(screen.getByTestId('project-cost').getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: "This project's cost by tool" })).toBeNull();
  });

  it('a failed action costs nothing; another project has its own figure', async () => {
    const { h, clips } = await setup(proAccount(), 1);
    await run(h, 'remove-background', clips[0]);
    expect(screen.getByTestId('job').getAttribute('data-status')).toBe('failed');
    expect(costText()).toBe('This project: 0 credits · 0 AI actions');
    expect(h.api.callsOf('getProjectUsage').length).toBeGreaterThanOrEqual(1);
    const first = h.store.getState().openProjectId!;
    await act(async () => {
      h.store.getState().createProject();
      await settle();
    });
    const second = h.store.getState().openProjectId!;
    expect(second).not.toBe(first);
    expect(h.api.callsOf('getProjectUsage').at(-1)).toEqual({ projectId: second });
    expect(costText()).toBe('This project: 0 credits · 0 AI actions');
  });

  it('Pro uses count as actions, not credits', async () => {
    const api = proUsesAccount();
    api.prefs.exchangePromptDismissed = true; // straight to the action
    const { h, clips } = await setup(api);
    await run(h, 'remove-background', clips[0]);
    expect(costText()).toBe('This project: 0 credits · 1 AI action');
  });
});
