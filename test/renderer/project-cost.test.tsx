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

describe('the project on every charge, and refunds that say why', () => {
  it('the hold names the open project; the Activity panel shows it on the charge’s row', async () => {
    const { h, clips } = await setup(proAccount());
    const open = h.store.getState().projects.find((p) => p.id === h.store.getState().openProjectId)!;
    await run(h, 'remove-background', clips[0]);
    expect(h.api.callsOf('hold').at(-1)).toMatchObject({ tool: 'remove-background', project: { id: open.id, name: open.name } });
    const row = screen.getAllByTestId('activity-row').find((r) => r.getAttribute('data-charge'))!;
    expect(within(row).getByTestId('activity-project').textContent).toBe(open.name);
    expect(within(row).queryByTestId('activity-note')).toBeNull(); // spent: nothing came back
  });

  it('a failed action’s row says the credits came back because it failed; a cancelled one says so', async () => {
    const { h, clips } = await setup(proAccount(), 1);
    await run(h, 'remove-background', clips[0]);
    const failed = screen.getAllByTestId('activity-row').find((r) => r.getAttribute('data-charge'))!;
    expect(within(failed).getByTestId('activity-note').textContent).toBe('Returned: the AI action failed.');
    await act(() => h.store.getState().startAction('auto-captions', { clipId: clips[1] }));
    await act(() => h.store.getState().confirmFlow());
    const job = h.store.getState().jobs.find((j) => j.status === 'running')!;
    await act(() => h.store.getState().cancelJob(job.id));
    await advance(h, 100);
    const rows = screen.getAllByTestId('activity-row').filter((r) => r.getAttribute('data-charge'));
    expect(rows.map((r) => within(r).queryByTestId('activity-note')?.textContent)).toEqual(['Returned: the AI action was cancelled.', 'Returned: the AI action failed.']);
  });
});
