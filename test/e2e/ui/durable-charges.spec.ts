/**
 * Issue 18 item 2: a paid result is delivered and no credits stay held, whatever happens to the
 * connection or the app mid-job. The app reaches the service through a cable (a TCP proxy) that
 * the test cuts; another device of the same account reads what the service holds.
 */
import type { Page } from '@playwright/test';
import { expect, test, type Service } from '../fixtures/cutline';
import { addClip, chip, chooseTool, hostBehindCable, openEditor, shot, timelineClip } from './support';

async function startPortrait(page: Page): Promise<void> {
  await chooseTool(page, await addClip(page, 'Interview — Maya'), 'AI Portrait');
  await page.getByRole('alertdialog', { name: 'AI Portrait' }).getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('job')).toHaveAttribute('data-status', 'running');
  await expect(chip(page)).toHaveText('85 credits');
}

type Phone = { balance(): Promise<{ held: number; total: number }> };

/** Polls what the service holds for the account, through the other device. */
async function heldByService(phone: Phone, held: number): Promise<void> {
  await expect.poll(async () => (await phone.balance()).held, { timeout: 20_000 }).toBe(held);
}

/** A host behind a cable, an account of 100 credits signed in, another device of it, and AI Portrait running. */
async function portraitRunning(page: Page, service: Service, name: string, stepMs: number) {
  const behind = await hostBehindCable(service, name);
  const account = await service.createAccount(100);
  const phone = await service.secondDevice(account);
  await openEditor(page, behind.host.url, { stepMs });
  await behind.signIn(account);
  await expect(chip(page)).toHaveText('100 credits');
  await startPortrait(page);
  return { behind, account, phone };
}

/** The job done, its result on the clip, captured once: nothing held, 85 left. */
async function delivered(page: Page, phone: Phone): Promise<void> {
  const job = page.getByTestId('job');
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(job).toContainText('AI Portrait applied. 15 credits used.');
  await expect(timelineClip(page, /Interview/).locator('.badge')).toHaveText('AI Portrait');
  await heldByService(phone, 0);
  expect((await phone.balance()).total).toBe(85);
}

test('the connection drops mid-job: the card waits, and when the service answers the charge is captured and the clip gets its result', async ({ page, service }, info) => {
  const { behind, phone } = await portraitRunning(page, service, 'outage', 300);
  try {
    behind.net.cut();
    const job = page.getByTestId('job');
    // the job finishes while the service cannot be reached: its outcome is kept, not lost
    await expect(job).toHaveAttribute('data-status', 'waiting');
    await expect(job).toContainText('Cutline completes the charge as soon as it answers');
    await heldByService(phone, 15);
    await shot(page, info, 'waiting-for-service');

    behind.net.restore();
    await delivered(page, phone);
    await shot(page, info, 'captured-after-outage');
  } finally {
    await behind.close();
  }
});

test('the app quits mid-job and is reopened: the job resumes, is captured once, and the clip gets its result', async ({ page, service }, info) => {
  const { behind, account, phone } = await portraitRunning(page, service, 'quit-running', 500);
  try {
    await expect(page.getByText('Saved', { exact: true })).toBeVisible();
    await behind.reopen();
    await openEditor(page, behind.host.url, { stepMs: 100 });
    await behind.signIn(account); // the browser host keeps tokens in memory only
    await expect(page.getByTestId('job')).toContainText('AI Portrait');
    await shot(page, info, 'resumed');
    await delivered(page, phone);

    // applied once, and kept: a reload shows the same single result
    await openEditor(page, behind.host.url);
    await expect(timelineClip(page, /Interview/).locator('.badge')).toHaveText('AI Portrait');
    await expect(page.getByTestId('job')).toHaveCount(0);
  } finally {
    await behind.close();
  }
});

test('the app quits while the service is unreachable and is reopened: the finished job is captured and its result applied', async ({ page, service }, info) => {
  const { behind, account, phone } = await portraitRunning(page, service, 'quit-waiting', 300);
  try {
    behind.net.cut();
    await expect(page.getByTestId('job')).toHaveAttribute('data-status', 'waiting');
    await behind.reopen();
    behind.net.restore();
    await openEditor(page, behind.host.url);
    await behind.signIn(account);
    await delivered(page, phone);
    await shot(page, info, 'captured-after-reopen');
  } finally {
    await behind.close();
  }
});
